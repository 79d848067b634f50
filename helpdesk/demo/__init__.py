"""Demo content written for this project: a few people, wiki pages and forum threads to try the app with.

``flask --app wsgi demo load`` puts it in the database (see ``services.load_demo_content``).
"""
