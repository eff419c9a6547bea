"""Per-queue hook counts by (event, enabled), kept by triggers, for a cheap totalCount.

One file for SQLite and PostgreSQL: the SQL branches on the connection's dialect.
Triggers rather than application code, so that every writer keeps the counts
right: the ORM, raw SQL, bulk loads and cascades.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

TABLE = """
CREATE TABLE "queue_hook_count" (
    "id" {serial},
    "event" VARCHAR(16) NOT NULL,
    "enabled" {boolean} NOT NULL,
    "n" INT NOT NULL CHECK ("n" >= 0),
    "queue_id" INT NOT NULL REFERENCES "queue" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_queue_hook__queue_i_375180" UNIQUE ("queue_id", "event", "enabled")
);
INSERT INTO "queue_hook_count" ("queue_id", "event", "enabled", "n")
    SELECT "queue_id", "event", "enabled", count(*) FROM "queue_hook"
    GROUP BY "queue_id", "event", "enabled";
"""

ADD_NEW = """
    INSERT INTO "queue_hook_count" ("queue_id", "event", "enabled", "n")
    VALUES (NEW."queue_id", NEW."event", NEW."enabled", 1)
    ON CONFLICT ("queue_id", "event", "enabled") DO UPDATE SET "n" = "queue_hook_count"."n" + 1;
"""
REMOVE_OLD = """
    UPDATE "queue_hook_count" SET "n" = "n" - 1
    WHERE "queue_id" = OLD."queue_id" AND "event" = OLD."event" AND "enabled" = OLD."enabled";
"""

POSTGRES_TRIGGERS = f"""
CREATE FUNCTION "queue_hook_count_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {REMOVE_OLD}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {ADD_NEW}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER "queue_hook_count_keep"
    AFTER INSERT OR DELETE OR UPDATE OF "queue_id", "event", "enabled" ON "queue_hook"
    FOR EACH ROW EXECUTE FUNCTION "queue_hook_count_keep"();
"""

SQLITE_TRIGGERS = f"""
CREATE TRIGGER "queue_hook_count_insert" AFTER INSERT ON "queue_hook" BEGIN {ADD_NEW} END;
CREATE TRIGGER "queue_hook_count_delete" AFTER DELETE ON "queue_hook" BEGIN {REMOVE_OLD} END;
CREATE TRIGGER "queue_hook_count_update"
    AFTER UPDATE OF "queue_id", "event", "enabled" ON "queue_hook"
    BEGIN {REMOVE_OLD} {ADD_NEW} END;
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return TABLE.format(serial="SERIAL NOT NULL PRIMARY KEY", boolean="BOOL") + POSTGRES_TRIGGERS
    return (
        TABLE.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", boolean="INT")
        + SQLITE_TRIGGERS
    )


async def downgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return """
DROP TRIGGER IF EXISTS "queue_hook_count_keep" ON "queue_hook";
DROP FUNCTION IF EXISTS "queue_hook_count_keep"();
DROP TABLE IF EXISTS "queue_hook_count";"""
    return """
DROP TRIGGER IF EXISTS "queue_hook_count_insert";
DROP TRIGGER IF EXISTS "queue_hook_count_delete";
DROP TRIGGER IF EXISTS "queue_hook_count_update";
DROP TABLE IF EXISTS "queue_hook_count";"""


MODELS_STATE = (
    "eJztW21z2jgQ/isaf7l0JtdJyOvlGy8m8YVACyS9ael4hC3Ah5GoLUOZXv77rWQb24AJUE"
    "IJ9afg1a4lPStZ+6w2P5QBM4ntvi/bbNwwemSAlRv0Q6F4QODHgtZjpODhMGoTAo7btlTv"
    "gJ7uRoptlzvY4NDUwbZLQGQS13CsIbcYBSn1bFsImQGKFu1GIo9a3zyic9YlvEccaPjyFc"
    "QWNcl34orHLwonFFMuBzAZEvHXcAjmxNQxV0A7riEn9FW8YtjXOxaxzcQ8LVMoSbkuXwYy"
    "jfKyVBQjbOsGs70BjZSHE95jdKpt+f10CSWOGAPIuOOJKYsZBQCFKPizi1T8acVsTNLBns"
    "1jELX1SKboerXW1BtqU9eVNUA1GBUOgaG6cvZdMYQ/c6fnV+fXZ5fn16AihzmVXD37XUfA"
    "+IYSnmpTeZbtmGNfQ/olAjVCPwlssYedxchGFjPowrBn0Q2xXAZvKIjwjdbhLgAe4O+6TW"
    "iX9+Dx8nwJmk/5evEuXz+6PH8nOmSwbfwtVQ1acrJJAB4BLP+uAW+of4Dg5k5OVkAXtFLh"
    "lW1JfMPPyjy+KvUGEmMNxoSpQeaXcmC7z1grJbWcf6w0b1Bg0aINtf6kFdUb5BJnZBmkRZ"
    "9q8nnE5BNgBepGD4Puh3qtqDYaWvX2Bg0dZhDXBYe1aLlWf4ABMmegbODJs9wKjjzLpfpR"
    "NCXdGDsV5pxZghZuDcjiDZO0nHGlGZi+D3/sj2NX30QwQbNG7Ulw9CyBvqk9qI1m/uGD6G"
    "7gut9siV++qYqWnJROZqRHlzNumr4EfdKad0g8os+1qirhZS7vOrLHSK/5WRFjwh5nOoXg"
    "ApuxUzKUhqglvO4NzQ29nrTMvL4vXg8xirldjl5EdZ1+LAQRgjY2+mPsmHqiJVoePcb67v"
    "zKKARm5fs6sbEEdn4NBFHxR4945A7e8waXwHO46ENpHEyWY2lozjcNcoNZCaa4K6ck+hY9"
    "xQFTFvALv2Eptfg2VdkVqcgoQ0YZMsqQUYaMMsQpQ61crmhVIASs07EtCpRAqxZqj9XSDb"
    "Jom3nUbNHaY1OKdO2pDooel3LdGjmCNKhPmvpJL2n5iloXxIGMLDLWTQvbRLbXbuuCVTyp"
    "MR0mQgTXGpGYnlrSis2kGjEtg8e14nSlmW/cw9cSu/39oCVi4m4QYMwEIVY39SSJW718nm"
    "xroZy87nnyVy53dnaVOzm7vL44v7q6uD6ZHizzTctOmIJ2Kw6ZhA/CUycjhIdLDTJC+Dt6"
    "PSOE21sCqYQwvoUERqDiCZvtIFUULzskuF6dP8v1lcahw8X3Ao/We6He65JpvzOf/JIR8T"
    "0Nj/Jyzr8nFK0Zyd4pyZ56YhOSMjXea5bydw04ClCSfxlQFGAk+Wrjk1oXEkzdMXGEDJiM"
    "WpeXF0BliCOvLgp1rXQr1NqOZXaF1oPWaAjBwHJd8VxR80/SyCZ4JG3SrkHykp1Aj5KSbM"
    "I5Ti9X4Byns4drxDlEUzLyJVQ4YsGmKjAGE6KLN1bMasbrbTB7LbeHW+71vt4LGUStVkmE"
    "NgVthk9UHx8KKuAuYQcli6fQjBFxFvO71C9YzGJ33O50rz9jGWs73Ph9FdYW+q49WSdtmb"
    "Ta56Nqn5KXGUM+tB2WxpAXeX29HZa0ynbYajssTohWjAniJrsLCvae3kSYRjxydVATNhmq"
    "AapzebOZhTsPcJk5xOrSezKZY41LEj9vEN60fA+IHTyeZi4SuxVmD3MmPj0o5hvFfElVFi"
    "zdLcCaLNA+UGwTmzYBbh3OwLpWhDWcnundSWIOzksqN2J6ei5QOV4tSacbkfpLuTql2SPI"
    "10c26yLewxzZ1ogg12tPFV3kkKGNJwhTE3Fs2e9nUxObvqdFW7TKROGnWLyoTyaIM7AmSM"
    "7nBmH/xx+ufC3zuHipiyx+jFzmdxP00AYi3KI2wQ5FrAMaLpLehn7lcBckH5PZxuk16deZ"
    "pORaqcZlF7EHlm3cyRVsek4yC4y2HxhlxVSvXEz1lio4DuQLEoHfh9lueokR2u7zKleKdT"
    "XfFFcPQTKrRR8/lHxJQL5btKRWVCnxYyGQfHxUH1V9Kvc/kkHrftxByLBmrS99zGKjDRMc"
    "p3u2X7b2nQ8vc5No/t2oVdPhXJSmswyO/oNAz32DmC4BTACRSMWFi/PoIf/P7LotVmqF2R"
    "ybeEEhu4w48FRp2mXEGsVEu6GYsmJmKcMMa2pWI5hT7Rf55R0bIxjgBMlaqZDOoR520ZA4"
    "6EjWBhyj4Lr4HWDKOLblcNDYgoXuAcEzMKWwfOZZ51bfLrjoPRly1J4gQTra2CXgYqvbBW"
    "aJGEURAujIJUTS1IHVdWTh0jtJSKFDZ4LGjsWJc9yiQqNWfzhGDh6jxseKJL4Ghi4BJoRt"
    "qw+Q9QkZCkaLoKseX42rTksqwnv2n+KsvwthzcpjsvKY37k85tcEU1ssj1mnMOaw/t1ha5"
    "F/ljXLLr725HLm5YuvXxM35+HoMnqL4uWgZWmcjCOd16yUzgK8XQZ4qXWZ6Ynx9MLMvQrs"
    "Ni11ubhYpdTl4iK91EW0Jc8msanWQDhQP0B0T1cqJDpdUkh0Ol9IBD3yhTQlPe0XM/mpzN"
    "++ob2L1N8vTQI9/w8mtoN8"
)
