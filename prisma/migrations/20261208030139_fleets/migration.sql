-- AlterTable
ALTER TABLE "deployment" ADD COLUMN     "fleetId" TEXT;

-- CreateTable
CREATE TABLE "fleet" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "cloudAccountId" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "configId" TEXT,
    "configRevision" INTEGER,
    "spec" JSONB NOT NULL,
    "selector" JSONB NOT NULL,
    "batchSize" INTEGER NOT NULL DEFAULT 1,
    "failureThreshold" INTEGER NOT NULL DEFAULT 1,
    "failureBase" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "phase" TEXT NOT NULL DEFAULT 'apply',
    "generation" INTEGER NOT NULL DEFAULT 0,
    "pauseRequested" BOOLEAN NOT NULL DEFAULT false,
    "abortRequested" BOOLEAN NOT NULL DEFAULT false,
    "pauseReason" JSONB,
    "preflight" JSONB,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "fleet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fleet_member" (
    "id" TEXT NOT NULL,
    "fleetId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "generation" INTEGER NOT NULL DEFAULT 0,
    "error" JSONB,
    "startedAt" TIMESTAMP(3),
    "retry" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "fleet_member_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "fleet_teamId_createdAt_idx" ON "fleet"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "fleet_status_leaseExpiresAt_idx" ON "fleet"("status", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "fleet_member_deploymentId_key" ON "fleet_member"("deploymentId");

-- CreateIndex
CREATE INDEX "fleet_member_fleetId_state_idx" ON "fleet_member"("fleetId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "fleet_member_fleetId_instanceId_key" ON "fleet_member"("fleetId", "instanceId");

-- CreateIndex
CREATE INDEX "deployment_fleetId_idx" ON "deployment"("fleetId");

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_fleetId_fkey" FOREIGN KEY ("fleetId") REFERENCES "fleet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet" ADD CONSTRAINT "fleet_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet" ADD CONSTRAINT "fleet_cloudAccountId_fkey" FOREIGN KEY ("cloudAccountId") REFERENCES "cloud_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_member" ADD CONSTRAINT "fleet_member_fleetId_fkey" FOREIGN KEY ("fleetId") REFERENCES "fleet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_member" ADD CONSTRAINT "fleet_member_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
