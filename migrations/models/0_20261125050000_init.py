"""Initial schema: queues, flow schemas, queue hooks.

aerich writes SQL for the dialect it ran on; this history serves SQLite and
PostgreSQL alike, so each migration branches on the connection's dialect.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

EVENTS = "'joined', 'answered', 'offering', 'bridged', 'missed', 'leaving', 'processing', 'active'"
FLOW_SCHEMA_TYPES = "'default', 'service', 'voice', 'chat', 'processing', 'form'"
QUEUE_TYPES = (
    "'offline', 'inbound', 'outbound_ivr', 'preview_dialer', 'progressive_dialer', "
    "'predictive_dialer', 'chat', 'task'"
)


def _schema(serial: str, timestamp: str, boolean: str, json: str) -> str:
    return f"""
CREATE TABLE "flow_schema" (
    "id" {serial},
    "tenant" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "type" VARCHAR(32) NOT NULL CHECK ("type" IN ({FLOW_SCHEMA_TYPES})),
    "created_at" {timestamp} NOT NULL,
    "updated_at" {timestamp} NOT NULL
);
CREATE INDEX "idx_flow_schema_tenant_0c3506" ON "flow_schema" ("tenant", "type", "created_at");
CREATE INDEX "idx_flow_schema_tenant_002e3a" ON "flow_schema" ("tenant", "name");
CREATE TABLE "queue" (
    "id" {serial},
    "tenant" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "type" VARCHAR(32) NOT NULL CHECK ("type" IN ({QUEUE_TYPES})),
    "created_at" {timestamp} NOT NULL,
    "updated_at" {timestamp} NOT NULL
);
CREATE INDEX "idx_queue_tenant_5d235d" ON "queue" ("tenant", "name");
CREATE TABLE "queue_hook" (
    "id" {serial},
    "event" VARCHAR(16) NOT NULL CHECK ("event" IN ({EVENTS})),
    "enabled" {boolean} NOT NULL,
    "version" INT NOT NULL CHECK ("version" > 0),
    "created_at" {timestamp} NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" {timestamp} NOT NULL,
    "updated_by" VARCHAR(200) NOT NULL,
    "queue_id" INT NOT NULL REFERENCES "queue" ("id") ON DELETE CASCADE,
    "schema_id" INT NOT NULL REFERENCES "flow_schema" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_queue_hook_queue_i_37361d" ON "queue_hook" ("queue_id", "event", "id");
CREATE INDEX "idx_queue_hook_schema__c82267" ON "queue_hook" ("schema_id");
-- The domain rule "at most one enabled hook per (queue, event)", enforced by the database.
CREATE UNIQUE INDEX "uq_queue_hook_enabled_event" ON "queue_hook" ("queue_id", "event")
    WHERE "enabled";
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" {serial},
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" {json} NOT NULL
);"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return _schema("SERIAL NOT NULL PRIMARY KEY", "TIMESTAMPTZ", "BOOL", "JSONB")
    return _schema("INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "TIMESTAMP", "INT", "JSON")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS "queue_hook";
DROP TABLE IF EXISTS "queue";
DROP TABLE IF EXISTS "flow_schema";"""


MODELS_STATE = (
    "eJztWltz2jgU/iuMn7Iz3U4hl3byZsAkbgC3tkN22nQ8whbgjS0RX0iZbv77Hsk2vmBTkk"
    "lYwvop8blY0nck6/tO8ktwqYUd/33PoQ+aOcMuEs4bvwSCXAy/lHjfNQQ0n6c+ZgjQ2OHh"
    "E4gz/DRw7AceMgNwTZDjYzBZ2Dc9ex7YlICVhI7DjNSEQJtMU1NI7PsQGwGd4mCGPXB8/w"
    "Fmm1j4J/bZ43chwASRgE9gOcfsp+lhFGDLQIEA0dkIvqAf7BXzO2NiY8fKrdO2WBC3G/xl"
    "YJNJ0OOBbIZjw6RO6JI0eL4MZpSsou1onCkm2GNzAFvghWzJbEUxQAkK0erSkGhZmRwLT1"
    "DoBBmIxkZqEwxjqOiGJumGITwBVJMSVhCYqs9XP2VT+LPVPPl48un47OQThPBpriwfH6Oh"
    "U2CiRA7PUBceuR8FKIrgdUlBTdHPA9uZIa8c2TSjgC5Mu4huguUmeBNDim+6D3cBsIt+Gg"
    "4m02AGj2cnG9AciWrnUlSPzk7+YANSODbRkRrGnhZ3McBTgPnPJ8CbxB8guK0PH7ZAF6Iq"
    "4eW+PL7JZ2UdX4mELsdYhjkhYuL1rRzn7jPWQlfqidd9/bwRZ9wSTVJHckc6b/jYW9gmvi"
    "UjhT8vKH8CrCDcnCGI/aIqHUnT5OHFeWPuURP7PhTslvQUdQATpJ4rPKOSx60tCnncqqwj"
    "c+XLmLkV1orZBU9gu7j8wOQzC6W04tT3yS/7U9jtDxEs0FKIs4yvng3Q6/JA0nRx8IUN5/"
    "r+vcPxE3WJeVrcuixYj84KZVq9pHEj65cN9tj4pgwlDi/1g6nHR0zj9G8CmxMKA2oQIBfI"
    "ytySiTVBLVf1cG49s+r5zLrq+1L1BKNM2fnsGaub3GUoCDOMkXn3gDzLyHnS7TGj9M5f3x"
    "ntOK13pWIHcWDX90DMir+GOMSX8J43uAUek02fWLNg0hatQnPd5bbcogURNOVLYmOzkbKA"
    "CSX6InJslBb3q5BdiYpaMtSSoZYMtWSoJUNWMii9Xl8egiCgk4ljE5AE8rCtXA+75w2bjG"
    "lIrFuiXOvcZMgjFQLDgNsNe+Ex0SCNZOnG6MpiX1KZcMALGz8Ylo0czP3KhcpUxUjKxFBG"
    "EXx7gTNxUlfu6PkwbNlmkI3KyhVd1K7ga4n8u1qW7PtBfZsEtZYl/8eq17Lk5bbAfydLOG"
    "BV0iRB8zfyxJglca+rUaLBIk2BFziiv/DI/+YR/fmFeWvtslPtsqrEc7jfKnmvyd9nBagf"
    "ML2/KTA/IHriULuRVGZBxH/AHrMBQZRU3hMGhog93hFuq3L3goWNPduasqiBrGnM4Nq+z5"
    "77kjjiSQ5GC55T1V0WOemDETnTew6Va55tQeWaxdsipXLMladyoEGhECWHqk0pLIiUH6xM"
    "VqHqY0h7rbInR+71vt5lsLYVpZ+7q9uyXsD3etCWAHcOOwTZAc6euxTsBfb8+ALc8guWyf"
    "j9Z+ylcG7u9WesliGHS0i3kSFJ7cbLp3SD8ln7fFXtU0+olnyHdsKqJF9Z1Z92wvJZ9Qnb"
    "7oRlBdGWnCCbsjtSsPfyJsU01ZHbg5rLqVGNUV1rBBU27jrAPephe0qu8HJNNW7o+bxBeK"
    "v6PWD20MOqc5E7rbB6WDOO5EFH1DpiVxJKtu4LwJr/v9cDxTZ3aHPgqnAHqnIH9nB16/I1"
    "G3Mi9mxzJpR05WLPu00tOZTGvGY7rm6y7bLJVin+qylVtfo/CD51eroNnzo9reZTzJe/+9"
    "mhegLCcfgBotvciq02N7DV5jpbhRGD0lbxZ00ZVgjvNKWoAm0zaPzTcGz/LdKrDeAyMHJS"
    "L8H0aCD+VYS701faRQ3HXtAuo1+7vMwe/wXjF3KG"
)
