"""Practice files: the JSON format (`practice_file`: parse, validate, write), the import
(`importer`: a Practice into the database, all or nothing; `import_estimates`: the file's
families estimated beside the storing, in a child process) and the export (`exporter`: the
database as a Practice, read by the one loader).

May import: `store.audit`, `store.read`, `store.derived` (an import's estimates), `store.family`,
`store.models`, `store.connection`, `estimator`.
"""
