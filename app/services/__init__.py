"""Services: permission checks, validation, transactions; they call repositories."""
