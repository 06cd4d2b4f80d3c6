-- Config revisions are immutable: the database itself refuses UPDATE, DELETE
-- and TRUNCATE of a revision, whatever the application does. A change to a
-- config appends revision n+1 instead.
--
-- The one DELETE allowed is the cascade from the revision's own template
-- (ON DELETE CASCADE from config_template, e.g. when the owner deletes the
-- team): by the time the cascade reaches a revision its template row is
-- already gone, so a revision whose template still exists can never be
-- deleted on its own.
CREATE OR REPLACE FUNCTION config_revision_immutable() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM "config_template" WHERE "id" = OLD."templateId") THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'config_revision is immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER config_revision_no_update_delete
  BEFORE UPDATE OR DELETE ON "config_revision"
  FOR EACH ROW EXECUTE FUNCTION config_revision_immutable();

CREATE TRIGGER config_revision_no_truncate
  BEFORE TRUNCATE ON "config_revision"
  FOR EACH STATEMENT EXECUTE FUNCTION config_revision_immutable();
