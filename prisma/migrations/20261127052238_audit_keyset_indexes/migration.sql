-- DropIndex
DROP INDEX "audit_event_teamId_action_id_idx";

-- DropIndex
DROP INDEX "audit_event_teamId_deploymentId_id_idx";

-- CreateIndex
CREATE INDEX "audit_event_teamId_action_at_id_idx" ON "audit_event"("teamId", "action", "at", "id");

-- CreateIndex
CREATE INDEX "audit_event_teamId_deploymentId_at_id_idx" ON "audit_event"("teamId", "deploymentId", "at", "id");

-- CreateIndex
CREATE INDEX "audit_event_teamId_actorId_at_id_idx" ON "audit_event"("teamId", "actorId", "at", "id");

-- CreateIndex
CREATE INDEX "audit_event_targets_idx" ON "audit_event" USING GIN ("targets");
