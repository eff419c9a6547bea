"""Who made each change: the change log records the user whose write it was.

One file for SQLite and PostgreSQL: the SQL branches on the connection's dialect.
Entries logged before this migration get the hook's `updated_by` from their
snapshot (for a creation or an update that is usually the writer) and an empty
string when they have none (deletions): who made those was never recorded.
SQLite keeps the column's empty default (it cannot drop a default in place);
PostgreSQL drops it, so a writer that forgets to say who is refused.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

ADD = """
ALTER TABLE "queue_hook_change" ADD "changed_by" VARCHAR(200) NOT NULL DEFAULT '';
UPDATE "queue_hook_change" SET "changed_by" = COALESCE({updated_by}, '')
    WHERE "hook" IS NOT NULL;"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "postgres":
        return (
            ADD.format(updated_by="\"hook\"->>'updated_by'")
            + '\nALTER TABLE "queue_hook_change" ALTER COLUMN "changed_by" DROP DEFAULT;'
        )
    return ADD.format(updated_by="json_extract(\"hook\", '$.updated_by')")


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE "queue_hook_change" DROP COLUMN "changed_by";"""


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
