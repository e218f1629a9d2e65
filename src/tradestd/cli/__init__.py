"""The ``tradestd`` command: a thin shell over the library."""
