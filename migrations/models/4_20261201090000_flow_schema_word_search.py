"""Flow schema search by the start of any word: a trigram index on PostgreSQL.

The search is a regular expression (app/repositories/word_search.py); pg_trgm's GIN
index answers one without reading each of the tenant's rows (measured on 100,000
schemas: 0.04 ms instead of a 53 ms scan for a word few names start). The index is
on the very expression Tortoise's `iposix_regex` lookup compares, or the planner
would not use it. pg_trgm ships with PostgreSQL and is a trusted extension (13+),
but a managed server may still refuse it: then the migration notes so and goes on,
and the search works by a scan. SQLite has no such index; it needs nothing here.
The models are unchanged (an expression index is beyond them): the recorded model
state is migration 3's.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

INDEX = "idx_flow_schema_name_trgm"

UPGRADE_POSTGRES = f"""
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm is not available: flow schema search will scan';
END $$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS "{INDEX}" ON "flow_schema"
            USING gin ((COALESCE(CAST("name" AS VARCHAR), '')) gin_trgm_ops);
    END IF;
END $$;"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return UPGRADE_POSTGRES
    return ""


async def downgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return f'DROP INDEX IF EXISTS "{INDEX}";'
    return ""


MODELS_STATE = (
    "eJztW21z2jgQ/isavlw6k+sk5PXyjReT+EKgBZLetHQ8whbgw0jUlqFML//9VrKNbcAEKK"
    "EO9afg1a4lPStZ+6w2P3JDZhDLeV+x2KSp98kQ527QjxzFQwI/lrQeoxwejcI2IeC4Y0n1"
    "LuhpTqjYcbiNdQ5NXWw5BEQGcXTbHHGTUZBS17KEkOmgaNJeKHKp+c0lGmc9wvvEhoYvX0"
    "FsUoN8J454/JLjhGLK5QCmIyL+6jbBnBga5jnQjmrICX0VrxgNtK5JLCM2T9MQSlKuyZeB"
    "TKW8IhXFCDuazix3SEPl0ZT3GZ1pm14/PUKJLcYAMm67YspiRj5AAQre7EIVb1oRG4N0sW"
    "vxCEQdLZTlNK1Wb2lNpaVpuQ1A1RkVDoGhOnL2PTGEP/On51fn12eX59egIoc5k1w9e12H"
    "wHiGEp5aK/cs2zHHnob0SwhqiH4c2FIf28uRDS3m0IVhz6MbYLkK3kAQ4huuw30APMTfNY"
    "vQHu/D4+X5CjSfCo3SXaFxdHn+TnTIYNt4W6rmt+RlkwA8BFj+3QDeQP8Awc2fnKyBLmgl"
    "wivb4vgGn5VFfBXqDiXGKowJU50sLmXfNs1Y58pKpfBYbd0g36JNm0rjSS0pN8gh9tjUSZ"
    "s+1eXzmMknwArU9T4G3Q+NeklpNtXa7Q0a2UwnjgMOa9NKvfEAA2T2MLeFJ8/yazjyLJ/o"
    "R9EUd2PkVFhwZhlauDkkyzdM3HLOlYZv+j74kR7Hrr+JYIJGnVpT/+hZAX1LfVCarcLDB9"
    "Hd0HG+WRK/QksRLXkpnc5Jjy7n3DR7Cfqktu6QeESf6zVFwssc3rNlj6Fe63NOjAm7nGkU"
    "ggtsRE7JQBqgFvO6OzK29HrcMvN6WrweYBRxuxy9iOq6g0gIIgQdrA8m2Da0WEu4PPqMDZ"
    "zFlVH0zSr3DWJhCeziGvCj4o8ucckdvOcNLoHnYNEH0iiYLM+S0FxsGuaH8xJMcU9OSfQt"
    "eooCllvCL7yGldTi20xlX6QiowwZZcgoQ0YZMsoQpQz1SqWq1oAQsG7XMilQArVWrD/Wyj"
    "fIpB3mUqNN648tKdLUpwYoulzKNXNsC9KgPKnKJ62sFqpKQxAHMjbJRDNMbBHZXr9tCFbx"
    "pER0mAgRHHNMInpKWS214mrEMHUe1YrSlVaheQ9fS+wM0kFLxMQdP8CYC0LMXuJJErV6+T"
    "zZ1UI5ed3z5K98/uzsKn9ydnl9cX51dXF9MjtYFptWnTBF9VYcMjEfBKdORggPlxpkhPB3"
    "9HpGCHe3BBIJYXQLCYxAxRU2u0GqJF52SHC9On+W6yuJQweL7wUerfUDvdcl015nHvklY+"
    "J5Gh7l5Zx3TyhaM5K9V5I988Q2JGVmnGqW8ncdOApQkn8ZUBRgJIVa85PSEBJMnQmxhQyY"
    "jNKQlxdAZYgtry6KDbV8K9Q6tmn0hNaD2mwKwdB0HPFcVQpP0sgieCxtkq5BCpKdQI+Skm"
    "zDOU4v1+Acp/OHa8g5RFM88iVUOGLJpioyBhOiyzdWxGrO6x0wey23B1vu9b7eSxlEvV6N"
    "hTZFdY5P1B4figrgLmEHJZMn0IwxsZfzu8QvWMRif9zuNNWfsYy1HW78vg5rC3zXmW6Sto"
    "xbpfmoSlPyMmPIh7bDkhjyMq9vtsPiVtkOW2+HRQnRmjFB1GR/QUHq6U2Iacgj1wc1ZpOh"
    "6qO6kDebW7iLAFeYTcwevSfTBda4IvHzBuFNyveA2MaTWeYitlth9jBn4tGDUqFZKpSV3J"
    "KluwNY4wXaB4ptbNPGwG3AGdhQS7CGkzO9e0nMwXlJ5UZMTs/5KsfrJek0PVR/KVeXa/UJ"
    "8vSRxXqI9zFHljkmyHE7M0UH2WRk4SnC1EAcm9b7+dTEtu9p0zatMVH4KRYvGpAp4gysCZ"
    "LzuUHY+/GHI1/LXC5e6iCTHyOHed34PXSACLepRbBNEeuChoOkt6FfOdwlycd4tnF2Tfp1"
    "Lim5Uapx1UXsgWUb93IFm5yTzAKj3QdGWTHVKxdTvaUKjgP5goTgD2C2215iBLZpXuW5Uk"
    "MptMTVg5/MatPHD2VP4pPvNi0rVUVKvFgIJB8flUdFm8m9j6Tfmo47CBnWbPSlj1hstWH8"
    "4zRl+2Vn3/ngMjeO5t/Nei0ZzmVpOlPn6D8I9Jw3iOkKwAQQsVRcsDiPHgr/zK/bUrVenM"
    "+xiRcU5y8jZHi8cVo6ZpXmr0+akmbZxU8y+m8zLZ108bNB4dZ+6LysTlrJ5oP6pfXI/Ez7"
    "RS5/xyYIBjhFsi4toM6ojx00IjY6knUYx8i/mn8HmDKOLTkcNDFhobtApnVMKSyfRYa/07"
    "cL3n9PRhx1pkgQvA52CLjY7PWAxSNGUYgAOnIIkSmBodmzZZHYO0n+oUN7iia2yYl93KZC"
    "o954OEY2nqDmx6pMMugYugSYELbMAUA2IGQksgcIuurz9fICs/KVoKbhp/IDv0tyICtFyk"
    "qRfudSpF8TuO6wFGmTIqTD+teSnbGsLEOZXTKm5CLs5UvGXxM3F+Do0vvL4mW/ZWWcjEOd"
    "16xKzwK8fQZ4iTWwyUmS5CLYVAV222ZILi7WyZBcXCRnSERb/GwSm2oDhH31A0T3dK380+"
    "mK/NPpkvwTo3wpTUlOsUZMfirLmja095Fm/aVJoOf/AbAt9xQ="
)
