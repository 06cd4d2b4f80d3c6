-- AlterTable
ALTER TABLE "deployment" ADD COLUMN     "lastAppliedSpec" JSONB;
