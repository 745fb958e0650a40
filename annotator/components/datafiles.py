"""Components whose state is a set of data files.

Each of our components is built from a few lexicon files (`annotator/data/`
or a saved pipeline's component directory) turned into matchers: a
"lexicon" object. `DataFilesComponent` holds what they share: reading the
files in `initialize()` (never in `__init__`), and writing them back
unchanged when a pipeline is saved, one file each, so a saved pipeline's
lexicons are the same editable files as `annotator/data/`. `exclude` takes
file names without their extension («places», not «places.txt»), as spaCy's
serializers name their fields.
"""
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from spacy import util
from spacy.language import Language
from spacy.training import Example

from annotator.lexicons import read_files


class DataFilesComponent:
    """Base of a component built from data files: subclasses set `FILES` and
    `build_lexicon(nlp, files) -> lexicon` (an object with a `files` dict)."""

    FILES: tuple[str, ...] = ()

    def __init__(self, nlp: Language, name: str, *, data_dir: Union[str, Path, None] = None,
                 scorer: Optional[Callable] = None) -> None:
        """Cheap: the data files are read by `initialize` or `from_disk`."""
        self.nlp = nlp
        self.name = name
        self.data_dir = data_dir
        self.scorer = scorer
        self.lexicon: Any = None

    def build_lexicon(self, files: dict[str, str]) -> Any:
        raise NotImplementedError

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, data_dir: Optional[str] = None) -> None:
        """Read the data files: `data_dir`, else the configured one, else the package's."""
        self.lexicon = self.build_lexicon(read_files(self.FILES, data_dir or self.data_dir))

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict:
        """The configured scorer's figures (`nlp.evaluate`, `spacy evaluate`)."""
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}

    def _lexicon(self) -> Any:
        if self.lexicon is None:
            raise ValueError(
                f"{self.name} has no lexicons yet: call nlp.initialize() after adding it, or, in a pipeline with "
                f'trained components you do not want to reset, nlp.get_pipe("{self.name}").initialize(); a saved '
                "pipeline loads them with spacy.load"
            )
        return self.lexicon

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        files = self._lexicon().files
        writers = {name: (lambda p, text=text: Path(p).write_text(text, encoding="utf-8")) for name, text in files.items()}
        util.to_disk(path, writers, exclude)

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> Any:
        files: dict[str, str] = {}

        def reader(name: str) -> Callable[[Path], None]:
            def read(p: Path) -> None:
                if Path(p).exists():
                    files[name] = Path(p).read_text(encoding="utf-8")

            return read

        util.from_disk(path, {name: reader(name) for name in self.FILES}, exclude)
        self.lexicon = self.build_lexicon(files)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return util.to_bytes({name: (lambda text=text: text) for name, text in self._lexicon().files.items()}, exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> Any:
        files: dict[str, str] = {}
        setters = {name: (lambda value, name=name: files.__setitem__(name, value)) for name in self.FILES}
        util.from_bytes(data, setters, exclude)
        self.lexicon = self.build_lexicon(files)
        return self
