-- AlterTable
ALTER TABLE "cloud_account" ADD COLUMN     "maxRequestsPerSecond" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "cloud_rate_slot" (
    "key" TEXT NOT NULL,
    "nextAt" TIMESTAMPTZ(3) NOT NULL,
    "heldUntil" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cloud_rate_slot_pkey" PRIMARY KEY ("key")
);
