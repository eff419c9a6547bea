"""Names that say what they hold: a hook's `schema_id` is `flow_schema_id` (beside
the GraphQL schema, "schema" alone was ambiguous), and a count row's `n` is `count`.

One file for SQLite and PostgreSQL. Both rename a column in place (indexes, the
foreign key and CHECK constraints follow it); the count triggers are written
again with the new name rather than trusting each dialect to rewrite their bodies
(PostgreSQL does not look inside a function's text).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


def _renames(old_schema: str, new_schema: str, old_count: str, new_count: str) -> str:
    return f"""
ALTER TABLE "queue_hook" RENAME COLUMN "{old_schema}" TO "{new_schema}";
ALTER TABLE "queue_hook_count" RENAME COLUMN "{old_count}" TO "{new_count}";"""


def _keep_counts(dialect: str, column: str) -> str:
    add_new = f"""
    INSERT INTO "queue_hook_count" ("queue_id", "event", "enabled", "{column}")
    VALUES (NEW."queue_id", NEW."event", NEW."enabled", 1)
    ON CONFLICT ("queue_id", "event", "enabled")
    DO UPDATE SET "{column}" = "queue_hook_count"."{column}" + 1;"""
    remove_old = f"""
    UPDATE "queue_hook_count" SET "{column}" = "{column}" - 1
    WHERE "queue_id" = OLD."queue_id" AND "event" = OLD."event" AND "enabled" = OLD."enabled";"""
    if dialect == "postgres":
        return f"""
CREATE OR REPLACE FUNCTION "queue_hook_count_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove_old}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {add_new}
    END IF;
    RETURN NULL;
END $$;"""
    return f"""
DROP TRIGGER IF EXISTS "queue_hook_count_insert";
DROP TRIGGER IF EXISTS "queue_hook_count_delete";
DROP TRIGGER IF EXISTS "queue_hook_count_update";
CREATE TRIGGER "queue_hook_count_insert" AFTER INSERT ON "queue_hook" BEGIN {add_new} END;
CREATE TRIGGER "queue_hook_count_delete" AFTER DELETE ON "queue_hook" BEGIN {remove_old} END;
CREATE TRIGGER "queue_hook_count_update"
    AFTER UPDATE OF "queue_id", "event", "enabled" ON "queue_hook"
    BEGIN {remove_old} {add_new} END;"""


def _index(dialect: str, old: str, new: str, column: str) -> str:
    if dialect == "postgres":
        return f'\nALTER INDEX "{old}" RENAME TO "{new}";'
    return f'\nDROP INDEX IF EXISTS "{old}";\nCREATE INDEX "{new}" ON "queue_hook" ("{column}");'


OLD_INDEX = "idx_queue_hook_schema__c82267"
NEW_INDEX = "idx_queue_hook_flow_sc_6b4377"  # the name aerich gives the new index


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    return (
        _renames("schema_id", "flow_schema_id", "n", "count")
        + _index(dialect, OLD_INDEX, NEW_INDEX, "flow_schema_id")
        + _keep_counts(dialect, "count")
    )


async def downgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    return (
        _renames("flow_schema_id", "schema_id", "count", "n")
        + _index(dialect, NEW_INDEX, OLD_INDEX, "schema_id")
        + _keep_counts(dialect, "n")
    )


MODELS_STATE = (
    "eJztW1tz2jgU/isaXjadyXYSct28cXESbwi0QNKdlo5H2AK8GInaMpTp5r/vkWzjC5hASq"
    "hD/RR8dI4u39HlfEfKj8KIGcRy3l9bbNrSB2SEC1foR4HiEYEfS0oPUQGPx2GZEHDctaR6"
    "D/Q0J1TsOtzGOoeiHrYcAiKDOLptjrnJKEipa1lCyHRQNGk/FLnU/OYSjbM+4QNiQ8GXry"
    "A2qUG+E0d8filwQjHlsgOzMRF/dZtgTgwN8wJoRzXkgL6KKsZDrWcSy4iN0zSEkpRrsjKQ"
    "qZRfS0XRw66mM8sd0VB5POMDRufaptdOn1Biiz6AjNuuGLIYkQ9QgII3ulDFG1bExiA97F"
    "o8AlFXC2UFTas32lpLaWtaYQNQdUaFQ6Crjhx9X3Thz+Lx6cXp5cn56SWoyG7OJRdPXtMh"
    "MJ6hhKfeLjzJcsyxpyH9EoIaoh8HtjLA9nJkQ4sEutDtJLoBlqvgDQQhvuE83AXAI/xdsw"
    "jt8wF8np+uQPOx1KzclpoH56fvRIMMlo23pOp+SVEWCcBDgOXfDeAN9PcQ3OLR0RroglYq"
    "vLIsjm+wrSziq1B3JDFWoU+Y6mRxKvu2Wca6UFWuSw+19hXyLTq0pTQf1YpyhRxiT0yddO"
    "hjQ35PmPwCrEBdH2DQ/dBsVJRWS63fXKGxzXTiOOCwDr1uNO+hg8weFV7gyZPiGo48Kab6"
    "URTF3Rg5FRacWYUSbo7I8gUTt0y40vBN3wc/suPY9RcRDNBoUGvmHz0roG+r90qrXbr/IJ"
    "obOc43S+JXaiuipCils4T04Dzhpnkl6JPavkXiE31u1BUJL3N435YthnrtzwXRJ+xyplEI"
    "LrAROSUDaYBazOvu2Hih1+OWudez4vUAo4jbZe9FVNcbRkIQIehifTjFtqHFSsLpMWBs6C"
    "zOjLJvdn3XJBaWwC7OAT8q/ugSl9xCPW9wCjwFkz6QRsFkRZaG5mLRqDhKSjDFfTkk0bZo"
    "KQpYYQm/8ApWUotvc5VdkYqcMuSUIacMOWXIKUOUMjSur2tqHQgB6/UskwIlUOvlxkO9eo"
    "VM2mUuNTq08dCWIk19bIKiy6VcMye2IA3Ko6p80qpqqaY0BXEgE5NMNcPEFpHljZumYBWP"
    "SkSHiRDBMSckoqdU1Uo7rkYMU+dRrShdaZdad7BbYmeYDVoiBu74AUYiCDH7qSdJ1Or582"
    "RbE+Xodc+Tv4rFk5OL4tHJ+eXZ6cXF2eXR/GBZLFp1wpTVG3HIxHwQnDo5IdxfapATwt/R"
    "6zkh3N4USCWE0SUkMAIVV9hsB6mKqGyf4Hp1/iznVxqHDibfMzxaGwR6r0umvcY88ksmxP"
    "M0fMrLuchloVDJmfZOmfbcHS9hKnPjTFOVvxtAVICX/MuApwAtKdVbn5SmkGDqTIktZEBn"
    "lKa8wQA+Q2x5f1FuqtUboda1TaMvtO7VVksIRqbjiO+aUnqURhbBE2mTdhdSkhQFWpS85C"
    "XE4/h8DeJxnDxhQ+IhiuLhL6HCEUsWVZkxGBBdvrAiVgmvd8HstdweLLnX28KX0ohGoxaL"
    "b8pqglTUH+7LCuAuYQclk6dwjQmxl5O81B0sYrE7gnec6W0sp277G8SvQ90C33Vnm+Qu41"
    "ZZPqqylMHMafK+rbA0mrzM65utsLhVvsLWW2EJ4rN+ZLBouLsAIfNUJ8Q3yjrXRDZqkmPq"
    "Y7qQRktAvIjvNbOJ2ad3ZLbAH1fkgd4gvGnpHxDbeDrPYcTmFYwexkw8olAptSqlqlJI2x"
    "i2gG380faeAry4JcZgbsK52FQrMJvTU8A7ydjBGUrlkkzP2/kqh+tl7zQ9VH8uiVdoDwjy"
    "9JHF+ogPMEeWOSHIcbtzRQfZZGzhGcLUQByb1vtkuuKl9XRoh9aZeBEqZjAakhniDKwJku"
    "O5Qtj78Ycjq2UuF5U6yOSHyGFeM34LXSDHHWoRbFPEeqDhIOltaFd2d0lWMp6GnN+ffk1k"
    "KzdKP666od2zDORO7mbT85T5Yb79ACl/ZfXKr6ze0tOOPdlBQvCHMNqXXmwEtlme5YVKUy"
    "m1xXWEn+Dq0IcPVU/iE/IOrSo1RUq8WAgkHx+UB0Wby71N0i/Nxr2EDGs22ukjFi9aMP5x"
    "mrH1srV9PrjljaP5d6tRT4dzWerO1Dn6DwI95w1iugIwAUQsPRdMzoP70j/JeVupNcrJvJ"
    "uooJy8oJDh8cap6phVlnefLCXS8sugdPTfZqo67TJogxddu6Hz8tnSSjYfPGxaj8zPtZ/l"
    "8rdsiqCDMyQfrAXUGQ2wg8bERgfybcYh8q/r3wGmjGNLdgdNTZjoLpBpHVMK02eR4W+1ds"
    "H778iYo+4MCYLXxQ4BF5v9PrB4xCgKEUAHDiEyJTAy+7Z8PfZOkn9o0J6hqW1yYh92qNBo"
    "NO8PkY2nqPWxJpMMOoYmASaELXMIkA0JGYvsAYKmBny9vMD8SUvwzuGn8gO/S3Igf56UP0"
    "/6nZ8n/ZrAdYvPk+YHz5r711x/b/73JL92zBim+bXjc3vCFq4df038XIIjTB8si5v9kpXx"
    "Mg51XvPZeh7o7TLQS30fm54sSX8gm6kA76WZkrOzdTIlZ2fpmRJRFj+bxKLaAGFffQ/RPV"
    "4rD3W8Ig91vCQPxShfSlfSU60Rk5/KtmYN7V2kW39pMujpfyciBQw="
)
