"""Demo and test data, made through the services the site itself uses.

Nothing here is on the request path. `work` does a rep's work (reading lessons, taking quizzes,
playing calls) the way the pages do it, at the pace of honest work; the tests and the
`generate_org` command share it, so demo data and test data are made the same way. Every
service is told the moment it acts (`now=`), so months of work are made in minutes; the other
modules build a whole organisation.
"""
