"""Demo and test data, made through the services the site itself uses.

Nothing here is on the request path. `work` does a rep's work (reading lessons, taking quizzes,
playing calls) the way the pages do it, at the pace of honest work; the tests and the
`generate_org` command share it, so demo data and test data are made the same way. `clock`
moves time instead of waiting for it; the other modules build a whole organisation.
"""
