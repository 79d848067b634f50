"""The demo's people (invented). None of them has a password: they author the demo content, nobody signs in
as them. The one account to sign in with is the demo admin, whose password is generated when it is made."""

PEOPLE = {
    "anna": {"email": "anna.lindqvist@helpdesk.local", "name": "Anna Lindqvist", "role": "employee"},
    "erik": {"email": "erik.johansson@helpdesk.local", "name": "Erik Johansson", "role": "employee"},
    "priya": {"email": "priya.nair@helpdesk.local", "name": "Priya Nair", "role": "employee"},
    "tom": {"email": "tom.becker@helpdesk.local", "name": "Tom Becker", "role": "employee"},
    "sara": {"email": "sara.holm@helpdesk.local", "name": "Sara Holm", "role": "employee"},
    "maria": {"email": "maria.svensson@helpdesk.local", "name": "Maria Svensson", "role": "staff"},
    "jonas": {"email": "jonas.berg@helpdesk.local", "name": "Jonas Berg", "role": "staff"},
    "karin": {"email": "karin.ek@helpdesk.local", "name": "Karin Ek", "role": "lead"},
}

DEMO_ADMIN_EMAIL = "admin@helpdesk.local"
DEMO_ADMIN_NAME = "Demo Admin"
