"""Render a catalog into documents: Markdown, self-contained HTML and DOCX.

This package is the only importer of jinja2 and markdown-it. Importing it is cheap: the
template engine, markdown-it and python-docx are imported by the modules that use them
(:mod:`spbe_cli.render.engine`, :mod:`spbe_cli.render.prose`, :mod:`spbe_cli.render.to_docx`),
which the ``render`` command loads only when it runs.

The pipeline (:func:`spbe_cli.render.pipeline.render_catalog`):

1. a :class:`~spbe_cli.render.registry.DocumentSpec` per document builds the template context
   from the catalog (precomputed indexes, no per-row scans) and the specs of its figures;
2. the context is turned into plain data (:mod:`spbe_cli.render.plain`: read-only records,
   mappings and tuples) and a Jinja environment, sandboxed and bounded for user templates
   (:mod:`spbe_cli.render.sandbox`), renders the document's one template ``<name>.j2`` into
   *document Markdown*, looked up in the override folders first and in the built-in
   ``templates/`` last;
3. :func:`spbe_cli.render.document.parse_document` parses it once into a document tree,
   numbering captions and typing table columns;
4. three writers write that tree: :mod:`~spbe_cli.render.to_markdown` (with the figures as
   ``gambar/*.svg``), :mod:`~spbe_cli.render.to_html` and :mod:`~spbe_cli.render.to_docx`;
   every figure is drawn once per run by :mod:`~spbe_cli.render.figures`;
5. everything is written into a temporary folder inside the output folder and moved into place
   only when every file is complete.

See docs/render.md for the directives and how a Pemda overrides a template.
"""
