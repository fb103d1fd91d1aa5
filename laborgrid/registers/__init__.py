"""Department register files (issue 4): reading them and normalising their rows.

Other departments send the registers the employer database starts from — 市场监管/工商 (``scjg``),
民政 (``mz``), 教育 (``jy``), 质监 (``zj``) — as CSV or Excel files in whatever shape their systems
export. This package turns such a file into clean, typed values, and nothing else: it has no
models and touches no database, so the import pipeline (matching, batches, writing) can be built on
it and its rules can be tested on their own.

* :mod:`~laborgrid.registers.reading` opens a file (CSV in UTF-8/GBK/GB18030/UTF-16, XLSX, XLS),
  finds the header below any title rows and streams the data rows with their true row numbers.
* :mod:`~laborgrid.registers.presets` knows the column headers each department's exports use and
  maps a file's headers to employer fields (a plain, JSON-serialisable ``{header: field}`` dict).
* :mod:`~laborgrid.registers.normalise` and :mod:`~laborgrid.registers.vocab` turn single cells into
  clean values (text, codes, dates, capital, coordinates; status and type words).
* :mod:`~laborgrid.registers.rows` applies them to a whole row and collects every problem with the
  column it came from, never raising for a bad value.

Typical use::

    with open_register(path) as register:
        match = match_headers(register.headers, PRESETS["scjg"])
        normaliser = RowNormaliser("scjg", register.headers, match.mapping, hints=match.hints)
        for number, cells in register.rows():
            result = normaliser.normalise_cells(cells)
            ...  # result.clean, result.errors (reject the row), result.warnings
"""
