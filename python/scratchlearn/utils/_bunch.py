"""A dictionary whose keys are also attributes: what the dataset loaders return."""


class Bunch(dict):
    """A dict whose keys can be read and set as attributes (``b.data`` is ``b["data"]``)."""

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __dir__(self):
        return list(self.keys())

    def __getstate__(self):
        return dict(self)

    def __setstate__(self, state):
        self.update(state)
