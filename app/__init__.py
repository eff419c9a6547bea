"""Queue hooks: the GraphQL API server behind a contact-centre queue's Hooks tab."""
