"""Practice files: the JSON format (`practice_file`: parse, validate, write), the import
(`importer`: a Practice into the database, all or nothing; `import_estimates`: the file's
families estimated beside the storing, in a child process), the export (`exporter`: the
database as a Practice, read by the one loader) and `forked` (a job in a forked child process:
the import's estimating, a big file's bytes looked at while it is decoded).

May import: `store.audit`, `store.read`, `store.derived` (an import's estimates), `store.family`,
`store.models`, `store.connection`, `estimator`.
"""
