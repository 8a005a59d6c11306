"""What auditors and analysts read: ``show`` (one file as on paper), ``commands`` (query, search,
report, export), ``report/`` (the HTML review report), ``export`` (the workbook). Built on one
``paper`` grid model and one ``display`` module; never imports batch code."""
