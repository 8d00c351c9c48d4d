"""Settings: one typed table per set of settings, read from a query, checked, written back to a query.

    setting.py  `Setting` (bounds, choices, help, group, what it needs; parse / check / format), carried in a
                frozen dataclass's field metadata by `setting(...)`; `Notice`, `ConfigError`
    table.py    `Table[T]`: a query -> `Read[T]` (a valid value plus notices, never an exception), cross-setting
                limits, a value -> a query

The tables: the playground's `Config` and `View` (rnnlab.params), the training settings
(rnnlab.training.settings), a link's classroom settings (rnnlab.classroom) and the doctor's assembled model
(rnnlab.doctor.assemble). Adding a setting is adding one field.
"""

from rnnlab.settings.setting import ConfigError, Notice, Setting, is_on, listed, setting, setting_of
from rnnlab.settings.table import Query, Read, Table, query_pairs, read_texts

__all__ = ["ConfigError", "Notice", "Query", "Read", "Setting", "Table", "is_on", "listed", "query_pairs",
           "read_texts", "setting", "setting_of"]
