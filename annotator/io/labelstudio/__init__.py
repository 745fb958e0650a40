"""Label Studio round trip: review our annotations without a Prodigy licence.

`to_label_studio(task)` turns one of our tasks (ANNOTATION.md's output
contract) into a Label Studio task whose *prediction* holds our entities,
claims (with their details as per-region fields) and speakers (relations);
`labeling_config()` is the project config that shows them, right to left;
`from_label_studio(exported_task)` reads a task of Label Studio's JSON
export back into our contract with Prodigy's `answer`, ready for
`annotator export` and `annotator train`.

Modules: `config` (the labeling config and the control names), `tasks`
(ours → Label Studio), `regions` (a result list → spans and claims, checked),
`reviewed` (an exported task → ours). Label Studio itself is not needed to
convert; the `labelstudio` extra installs the server and SDK to review in.
"""
from __future__ import annotations

from .config import CLAIM, ENTITY_LABELS, SPEAKER, labeling_config
from .reviewed import InvalidTask, PredictionIdsOnly, from_label_studio
from .tasks import task_problems, to_label_studio

__all__ = ["CLAIM", "ENTITY_LABELS", "SPEAKER", "InvalidTask", "PredictionIdsOnly", "from_label_studio",
           "labeling_config", "task_problems", "to_label_studio"]
