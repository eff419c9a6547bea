"""The change log behind live subscriptions, and each queue's revision counter.

One file for SQLite and PostgreSQL: the SQL branches on the connection's dialect.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

KINDS = "'created', 'updated', 'deleted', 'queue_deleted'"


def _schema(serial: str, timestamp: str, json: str) -> str:
    return f"""
CREATE TABLE "queue_hook_change" (
    "id" {serial},
    "queue_id" INT NOT NULL,
    "tenant" VARCHAR(64) NOT NULL,
    "revision" BIGINT NOT NULL CHECK ("revision" > 0),
    "kind" VARCHAR(16) NOT NULL CHECK ("kind" IN ({KINDS})),
    "hook_id" INT,
    "hook" {json},
    "created_at" {timestamp} NOT NULL,
    CONSTRAINT "uid_queue_hook__queue_i_418674" UNIQUE ("queue_id", "revision")
);
ALTER TABLE "queue" ADD "revision" BIGINT NOT NULL DEFAULT 0;"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return _schema("BIGSERIAL NOT NULL PRIMARY KEY", "TIMESTAMPTZ", "JSONB")
    return _schema("INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "TIMESTAMP", "JSON")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE "queue" DROP COLUMN "revision";
DROP TABLE IF EXISTS "queue_hook_change";"""


MODELS_STATE = (
    "eJztWltz2jgU/isev2x3JtsJ5Lp5M2BStwluDaE7LR2PsAV4YyRiy6RMN/99j2QbX8AU2I"
    "QS1k/gc7Gk7+hyviP/kMfUxq7/tunSx7Y1wmMkX0k/ZILGGP4s0R5JMppMEh0XMNR3hfkA"
    "7Ew/Mez7zEMWA9UAuT4GkY19y3MmzKEEpCRwXS6kFhg6ZJiIAuI8BNhkdIjZCHug+PoNxA"
    "6x8Xfs88evMsMEESY6MJtg/mt5GDFsm4jJYJ22EAP6xl8xuTcHDnbtzDgdmxsJuSleBjKN"
    "sKYw5D3smxZ1gzFJjCczNqJkbu2E7QwxwR7vA8iYF/Ah8xFFAMUohKNLTMJhpXxsPECBy1"
    "IQ9c1EJptmS++YbbVjmvIGoFqU8IBAV30x+iHvwh/VyunF6eXJ+eklmIhuziUXT2HTCTCh"
    "o4Cn1ZGfhB4xFFqIuCSgJuhnga2PkLcc2cQjhy50O49ujOUqeGNBgm8yD3cB8Bh9N11Mhm"
    "wEj+enK9DsKkb9nWK8OT/9nTdIYdmES6oVaapCxQFPABa/G8Ab2x8guNXj4zXQBatCeIUu"
    "i2+8rSziq5JgLDDWoE+IWHhxKke++4y13FCbyt1N50qKPHqkrRpdra5eST72po6Fe6Sri+"
    "cpFU+AFZhbIwS2Hw29rrbbWuv6Spp41MK+DwHrkaZu3EIHqTeWt4jkSXWNQJ5UC+PIVdkw"
    "pk6FhWA2QMOcMV6+YLKeuVDakevb+M/+BHb9RQQDtHXizqKjZwX0He1WbXeU24+8ubHvP7"
    "gCP6Wjck1VSGc56ZvzXJjmL5E+a513En+UvugtVcBLfTb0RIuJXeeLzPuEAkZNAskFslOn"
    "ZCyNUctEPZjYW0Y961lGfV+iHmOUCrvoPc/qBvepFIQL+si6f0SebWY0yfQYUXrvL86MWu"
    "TW/GBgFwlgF+dAlBV/CnCA38F7XuEUeIonfSxNg0mrtAjNRdW4Os5LEEFDMSTeNm8pDZi8"
    "hF+EipXU4mFusitSUVKGkjKUlKGkDCVlSFMGvdm80VpACOhg4DoEKIHWqul3rcaV5JA+DY"
    "jdI/pdR4hMrWuAYcCE3HSmHicNaldTP5sNTblRDU4c8NTBj6btIBcLvX5tcFbRVVM2lKcI"
    "vjPFKTu1odU7WTNsOxZLW6XpSkdpf4DdEvn3+0FL+MD9KMHIJSHOsPAkSXv9/Dx5roly/L"
    "LnyZ/V6snJRfX45Pzy7PTi4uzyeH6wLKpWnTA17ZofMpkYxKdOSQgPlxqUhPD/GPWSED7f"
    "FPh1hFAAVkQKYzR/QgzNUWz3suwwbCxkc3iKwwMXHsVtU3jxxbUla9wpa5xHYpuse+6812"
    "n3ex2Sbsix/6aQc0OKrbTan1WDSxDxH7HHZZCaq4aoxkNujj1Ri68ZWuOam/U9xx5yq1ut"
    "3eaCseP7/PlGVbrCycVoKnyK6vqKSLehRZFjb5NEV87XSKIr+dMiSaK5KpvKAfuHQCxZVD"
    "VKYUBk+cJKeeWi3ge3lwp7vORebvdemhLr+k3mrK5puQS5dXdbUwF3ATsYOawgb55ibzlh"
    "KdzBUh67IyuVvd7GShpyuAnpOjQkjl1/tkkdLuu1z0fVPlXjSsp3aCusiPIti/pmKyzrVa"
    "6w9VZYmhCtmROkXXaXFOw9vUkwTXjk+qBmfEpUI1QXCkG5ibsIcJN62BmSD3i2wBpX1Hxe"
    "IbxF9R4Qe+hxXrnIrFYYPYwZh/SgrrTrSkOVl0zdZ4A1+8XxgWKbWbQZcA04Aw2tDnO4uH"
    "S5k8IcnJdELMTi8lxkcrRekc60EvOf1erkzghLob3k0qHERohJrjPFkh/054a+5OGJi2YS"
    "IrbEkOO+zZcmtn1Pj/RIi/IvGfnkle7xTGIUvLEkxnMlofDPb754LQ0Yf6kvOexI8mnYTN"
    "RCH4hwj7gYeUSiA7DwJRFtaFd0d0nxMVttnN/7fcsVJTcqNa66WTywauNO7hSLa5JlYvT8"
    "iVH5ddALfx30mj5JOJAdJAH/Hka77SVG7LvPs1yuG6rS4VcPUTGrR+4+NkJJRL57pKHeqE"
    "IS5kIg+XSn3qnmXB5ukpF2P+4gRFqz0U6f8thqwUTH6Z6tl2fb5+PL3Cya79t6qxjOZWU6"
    "x2LSP5Do+a8Q0xWAcSAypbh4cr65Vf7Kz9v6jV7L19j4C2rlZcSBl0qLLiM2+DrmJSmmgj"
    "3HGslLmGWkOVpFKFFi85JffJTfcezyO47C++XiBL/4gnmvcp9tS/ZnZ+uU7M/Oikv2XJfd"
    "6fmi2gDhyPwA0a2sdSFSWXEhUlm8EIEW2dKvkYrTl5TLf8pg9g3tXaQwv/Qwe/oX8GF8mg"
    "=="
)
