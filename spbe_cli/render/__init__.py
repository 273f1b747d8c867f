"""Render a catalog into documents: Markdown, self-contained HTML and DOCX.

This package is the only importer of jinja2 and markdown-it. Importing it is cheap: the
template engine, markdown-it and python-docx are imported by the modules that use them
(:mod:`spbe_cli.render.engine`, :mod:`spbe_cli.render.prose`, :mod:`spbe_cli.render.docx`),
which the ``render`` command loads only when it runs.

The pipeline (:func:`spbe_cli.render.pipeline.render_catalog`):

1. a :class:`~spbe_cli.render.registry.DocumentSpec` per document builds the template context
   from the catalog (precomputed indexes, no per-row scans);
2. the context is turned into plain data (:mod:`spbe_cli.render.plain`: read-only records,
   mappings and tuples) and a Jinja environment, sandboxed and bounded for user templates
   (:mod:`spbe_cli.render.sandbox`), renders ``<name>.md.j2`` and ``<name>.html.j2``, looked up in
   the override folders first and in the built-in ``templates/`` last;
3. the DOCX writer turns the rendered Markdown into a Word document;
4. everything is written into a temporary folder inside the output folder and moved into place
   only when every file is complete.
"""
