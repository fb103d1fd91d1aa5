"""ISO first, so date inputs render ``YYYY-MM-DD`` (see ``laborgrid.core.formats``)."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05': the only form <input type="date"> accepts
    "%Y/%m/%d",  # '2016/09/05'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 20:45:29'
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 20:45:29.000200'
    "%Y/%m/%d %H:%M",  # '2016/09/05 20:45'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 20:45:29'
    "%Y/%m/%d %H:%M:%S.%f",  # '2016/09/05 20:45:29.000200'
]
