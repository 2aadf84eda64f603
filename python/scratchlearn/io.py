"""Safe model files: ``save(estimator, path)`` and ``load(path)``, with no pickle anywhere.

A model file is a zip archive holding

- ``model.json``: one JSON document with the format name and version, and the object tree: each
  scratchlearn object as its class path and its state (parameters and fitted attributes), each
  plain value (None, bools, ints, floats, strings, lists, tuples, dicts, numpy scalars and dtypes,
  a ``RandomState``, a scratchlearn function such as a scorer's metric, by its path) written
  out, each numpy array as a reference to
- ``arrays/<i>.npy``: the arrays, written by ``numpy.save(..., allow_pickle=False)``, with their
  dtype, shape and SHA-256 recorded in ``model.json``.

Nested estimators (a Pipeline's steps, a search's ``best_estimator_``, a forest's ``estimators_``,
a tree's ``tree_`` object) are saved the same way, recursively.

Loading never unpickles and never imports a module the file names: the only classes it builds are
scratchlearn's own, looked up in an allowlist made by walking the installed scratchlearn package
(a function, e.g. the metric of a search's scorer, likewise: only module-level functions of
scratchlearn's modules, looked up in the same walk, never called while loading).
An object is made with ``cls.__new__(cls)`` and its saved state set on it (as pickle would, through
``__setstate__`` where the class has one) -- no constructor, no code named by the file. A file that
is not such an archive, is truncated or altered, names a class outside the allowlist, comes from a
newer format version, or holds an array whose dtype, shape or contents differ from what the
document records raises ``ValueError`` saying what is wrong.

Arrays and floats are stored exactly (floats by their shortest round-trip repr, numpy scalars by
their bytes), so a loaded model predicts bitwise what the saved one did.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io as _io
import json
import math
import pkgutil
import zipfile

import numpy as np

__all__ = ["save", "load", "FORMAT_VERSION"]

FORMAT_NAME = "scratchlearn-model"
FORMAT_VERSION = 1
_DOCUMENT = "model.json"
_ARRAY_DIR = "arrays/"
# numpy dtype kinds an array may have: bool, signed and unsigned ints, floats, complex, unicode,
# bytes. Object, structured and datetime arrays are refused (object arrays of strings or numbers
# are written element by element instead).
_ARRAY_KINDS = frozenset("biufcUS")
_BUILTIN_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "complex": complex}
_MAX_DEPTH = 200


# ---- the allowlist ------------------------------------------------------------------------------

_ALLOWED = None
_ALLOWED_FUNCTIONS = None


def _allowed_functions():
    """Every module-level function defined in an installed scratchlearn module (the same walk
    as the classes'), by its ``module.qualname`` path."""
    if _ALLOWED_FUNCTIONS is None:
        _allowed_classes()
    return _ALLOWED_FUNCTIONS


def _allowed_classes():
    """Every class defined in an installed scratchlearn module (found by walking the package,
    the command-line benchmark package aside), by its ``module.qualname`` path."""
    global _ALLOWED, _ALLOWED_FUNCTIONS
    if _ALLOWED is not None:
        return _ALLOWED
    import scratchlearn

    found, functions = {}, {}
    names = [scratchlearn.__name__]
    for info in pkgutil.walk_packages(scratchlearn.__path__, prefix="scratchlearn.",
                                      onerror=lambda name: None):
        if info.name.startswith("scratchlearn.bench"):
            continue
        names.append(info.name)
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception:  # pragma: no cover - a module that cannot import has no class to load
            continue
        for obj in vars(module).values():
            if (inspect.isclass(obj) and obj.__module__ == name
                    and not issubclass(obj, BaseException)):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
            elif (inspect.isfunction(obj) and obj.__module__ == name
                    and "<" not in obj.__qualname__ and "." not in obj.__qualname__):
                functions[f"{obj.__module__}.{obj.__qualname__}"] = obj
    _ALLOWED_FUNCTIONS = functions
    _ALLOWED = found
    return found


def _class_path(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_scratchlearn_class(cls):
    return cls.__module__.split(".")[0] == "scratchlearn" and not issubclass(cls, BaseException)


# ---- writing -----------------------------------------------------------------------------------

class _Writer:
    def __init__(self):
        self.arrays = []  # (name, bytes)
        self._memo = {}  # id(array) -> node, so an array held twice is stored once
        self._keep = []  # keeps memoised arrays alive while writing
        self._active = set()  # ids of objects being written (cycle detection)

    def array(self, a, where):
        if id(a) in self._memo:
            return self._memo[id(a)]
        if a.dtype.kind == "O":
            node = {"$t": "objarray", "shape": list(a.shape),
                    "items": [self.value(v, f"{where}[{i}]") for i, v in enumerate(a.ravel().tolist())]}
        else:
            if a.dtype.kind not in _ARRAY_KINDS or a.dtype.fields is not None:
                raise ValueError(f"cannot save {where}: arrays of dtype {a.dtype} are not supported")
            buf = _io.BytesIO()
            np.save(buf, a, allow_pickle=False)
            data = buf.getvalue()
            name = f"{_ARRAY_DIR}{len(self.arrays)}.npy"
            self.arrays.append((name, data))
            node = {"$t": "ndarray", "file": name, "dtype": a.dtype.str, "shape": list(a.shape),
                    "sha256": hashlib.sha256(data).hexdigest()}
        self._memo[id(a)] = node
        self._keep.append(a)
        return node

    def value(self, v, where="estimator", depth=0):
        if depth > _MAX_DEPTH:
            raise ValueError(f"cannot save {where}: nested more than {_MAX_DEPTH} levels deep")
        if v is None or type(v) in (bool, str):
            return v
        if type(v) is int:
            return v
        if type(v) is float:
            return v if math.isfinite(v) else {"$t": "float", "value": repr(v)}
        if type(v) is complex:
            return {"$t": "complex", "real": self.value(v.real), "imag": self.value(v.imag)}
        if isinstance(v, np.ndarray):
            if type(v) is not np.ndarray:
                raise ValueError(f"cannot save {where}: {type(v).__name__} (an ndarray subclass)")
            return self.array(v, where)
        if isinstance(v, np.generic):
            if v.dtype.kind not in _ARRAY_KINDS:
                raise ValueError(f"cannot save {where}: numpy scalars of dtype {v.dtype}")
            return {"$t": "npscalar", "dtype": v.dtype.str, "hex": v.tobytes().hex()}
        if isinstance(v, np.dtype):
            if v.kind not in _ARRAY_KINDS or v.fields is not None:
                raise ValueError(f"cannot save {where}: dtype {v}")
            return {"$t": "dtype", "value": v.str}
        if isinstance(v, type):
            if v in _BUILTIN_TYPES.values():
                return {"$t": "type", "value": v.__name__}
            if issubclass(v, np.generic) and np.dtype(v).kind in _ARRAY_KINDS:
                return {"$t": "nptype", "value": np.dtype(v).str}
            if _is_scratchlearn_class(v):
                return {"$t": "class", "class": _class_path(v)}
            raise ValueError(f"cannot save {where}: the class {v!r}")
        if isinstance(v, np.random.RandomState):
            name, keys, pos, has_gauss, cached = v.get_state()
            return {"$t": "RandomState", "keys": self.array(np.asarray(keys), where),
                    "pos": int(pos), "has_gauss": int(has_gauss), "cached_gaussian": float(cached)}
        if type(v) is slice:
            return {"$t": "slice", "items": [self.value(x, f"{where}.{k}", depth + 1)
                                             for k, x in zip(("start", "stop", "step"), (v.start, v.stop, v.step))]}
        if type(v) in (list, tuple):
            items = [self.value(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(v)]
            return items if type(v) is list else {"$t": "tuple", "items": items}
        if type(v) is dict:
            return {"$t": "dict",
                    "items": [[self.value(k, f"{where} key", depth + 1),
                               self.value(x, f"{where}[{k!r}]", depth + 1)] for k, x in v.items()]}
        if _is_scratchlearn_class(type(v)):
            return self.obj(v, where, depth)
        if inspect.isfunction(v):  # only scratchlearn's own module-level functions
            path = f"{getattr(v, '__module__', None)}.{v.__qualname__}"
            if _allowed_functions().get(path) is v:
                return {"$t": "function", "function": path}
        raise ValueError(
            f"cannot save {where}: {type(v).__module__}.{type(v).__qualname__} objects cannot be "
            "saved safely (only scratchlearn objects, numpy arrays and plain values can)")

    def obj(self, v, where, depth):
        if id(v) in self._active:
            raise ValueError(f"cannot save {where}: it refers to itself")
        self._active.add(id(v))
        try:
            cls = type(v)
            state = v.__getstate__() if hasattr(v, "__getstate__") else vars(v)
            if state is None:
                state = {}
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise ValueError(f"cannot save {where}: {_class_path(cls)} has no plain state")
            return {"$t": "object", "class": _class_path(cls),
                    "state": {k: self.value(x, f"{where}.{k}", depth + 1) for k, x in state.items()}}
        finally:
            self._active.discard(id(v))


def save(estimator, path):
    """Write ``estimator`` (any scratchlearn object, fitted or not, and whatever it nests) to
    ``path`` (a file name or a binary file object) as a safe model file. Raises ValueError, naming
    the attribute, for state that is not plain data (e.g. a user's callable metric)."""
    if not _is_scratchlearn_class(type(estimator)):
        raise ValueError(f"save writes scratchlearn objects, got {type(estimator).__qualname__}")
    writer = _Writer()
    root = writer.value(estimator)
    doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "root": root}
    try:
        import scratchlearn

        doc["scratchlearn_version"] = scratchlearn.__version__
    except Exception:  # pragma: no cover
        pass
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_DOCUMENT, text)
        for name, data in writer.arrays:
            zf.writestr(name, data)


# ---- reading -----------------------------------------------------------------------------------

class _Reader:
    def __init__(self, zf):
        self.zf = zf
        self.names = set(zf.namelist())
        self._memo = {}
        self._allowed = _allowed_classes()

    def array(self, node, where):
        name = _expect(node, "file", str, where)
        dtype_str = _expect(node, "dtype", str, where)
        shape = _shape(node.get("shape"), where)
        digest = _expect(node, "sha256", str, where)
        if name in self._memo:
            return self._memo[name]
        if not name.startswith(_ARRAY_DIR) or name not in self.names:
            raise ValueError(f"invalid model file: {where} names a missing array {name!r}")
        try:
            expected_dtype = np.dtype(dtype_str)
        except TypeError:
            raise ValueError(f"invalid model file: {where} has an unknown dtype {dtype_str!r}") from None
        if expected_dtype.kind not in _ARRAY_KINDS or expected_dtype.fields is not None:
            raise ValueError(f"invalid model file: {where} has a refused dtype {dtype_str!r}")
        data = self.zf.read(name)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"invalid model file: the array of {where} ({name}) was altered "
                             "(its SHA-256 differs from the one recorded)")
        buf = _io.BytesIO(data)
        try:
            version = np.lib.format.read_magic(buf)
            if version == (1, 0):
                shp, fortran, dtype = np.lib.format.read_array_header_1_0(buf)
            elif version == (2, 0):
                shp, fortran, dtype = np.lib.format.read_array_header_2_0(buf)
            else:
                raise ValueError(f"npy version {version}")
        except ValueError as exc:
            raise ValueError(f"invalid model file: the array of {where} is not a valid .npy ({exc})") from None
        if dtype != expected_dtype:
            raise ValueError(f"invalid model file: the array of {where} has dtype {dtype}, "
                             f"the document says {expected_dtype}")
        if tuple(shp) != shape:
            raise ValueError(f"invalid model file: the array of {where} has shape {tuple(shp)}, "
                             f"the document says {shape}")
        buf.seek(0)
        try:
            a = np.load(buf, allow_pickle=False)
        except Exception as exc:
            raise ValueError(f"invalid model file: the array of {where} cannot be read ({exc})") from None
        self._memo[name] = a
        return a

    def value(self, node, where="estimator", depth=0):
        if depth > _MAX_DEPTH:
            raise ValueError(f"invalid model file: {where} is nested too deep")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.value(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(node)]
        if type(node) is not dict:
            raise ValueError(f"invalid model file: {where} is a {type(node).__name__}")
        tag = node.get("$t")
        if tag == "float":
            text = _expect(node, "value", str, where)
            if text not in ("nan", "inf", "-inf"):
                raise ValueError(f"invalid model file: {where} is not a float ({text!r})")
            return float(text)
        if tag == "complex":
            return complex(self._number(node.get("real"), where), self._number(node.get("imag"), where))
        if tag == "ndarray":
            return self.array(node, where)
        if tag == "objarray":
            shape = _shape(node.get("shape"), where)
            items = node.get("items")
            if type(items) is not list or len(items) != math.prod(shape):
                raise ValueError(f"invalid model file: {where} has {len(items) if type(items) is list else 'no'} "
                                 f"items for shape {shape}")
            out = np.empty(len(items), dtype=object)
            for i, x in enumerate(items):
                out[i] = self.value(x, f"{where}[{i}]", depth + 1)
            return out.reshape(shape)
        if tag == "npscalar":
            dtype = self._dtype(_expect(node, "dtype", str, where), where)
            try:
                raw = bytes.fromhex(_expect(node, "hex", str, where))
            except ValueError:
                raise ValueError(f"invalid model file: {where} is not a hex string") from None
            if len(raw) != dtype.itemsize:
                raise ValueError(f"invalid model file: {where} has {len(raw)} bytes for a {dtype} scalar")
            return np.frombuffer(raw, dtype=dtype)[0].copy()
        if tag == "dtype":
            return self._dtype(_expect(node, "value", str, where), where)
        if tag == "nptype":
            return self._dtype(_expect(node, "value", str, where), where).type
        if tag == "type":
            name = _expect(node, "value", str, where)
            if name not in _BUILTIN_TYPES:
                raise ValueError(f"invalid model file: {where} names the type {name!r}, not allowed")
            return _BUILTIN_TYPES[name]
        if tag == "class":
            return self._class(node, where)
        if tag == "function":
            path = _expect(node, "function", str, where)
            func = _allowed_functions().get(path)
            if func is None:
                raise ValueError(f"invalid model file: {where} names the function {path!r}, which "
                                 "is not a scratchlearn function (only those are loaded)")
            return func
        if tag == "RandomState":
            keys = self.value(node.get("keys"), where, depth + 1)
            if not isinstance(keys, np.ndarray) or keys.dtype != np.uint32 or keys.shape != (624,):
                raise ValueError(f"invalid model file: {where} is not a RandomState state")
            rs = np.random.RandomState()
            try:
                rs.set_state(("MT19937", keys, int(node["pos"]), int(node["has_gauss"]),
                              float(node["cached_gaussian"])))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"invalid model file: {where} is not a RandomState state") from None
            return rs
        if tag == "slice":
            items = _expect(node, "items", list, where)
            bounds = [self.value(x, where, depth + 1) for x in items]
            if len(bounds) != 3 or any(b is not None and type(b) is not int for b in bounds):
                raise ValueError(f"invalid model file: {where} is not a slice of integers")
            return slice(*bounds)
        if tag == "tuple":
            items = _expect(node, "items", list, where)
            return tuple(self.value(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(items))
        if tag == "dict":
            out = {}
            for pair in _expect(node, "items", list, where):
                if type(pair) is not list or len(pair) != 2:
                    raise ValueError(f"invalid model file: {where} has a malformed entry")
                key = self.value(pair[0], f"{where} key", depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise ValueError(f"invalid model file: {where} has an unhashable key") from None
                out[key] = self.value(pair[1], f"{where}[{key!r}]", depth + 1)
            return out
        if tag == "object":
            cls = self._class(node, where)
            state = _expect(node, "state", dict, where)
            values = {}
            for k, x in state.items():
                values[k] = self.value(x, f"{where}.{k}", depth + 1)
            obj = cls.__new__(cls)
            setstate = getattr(cls, "__setstate__", None)
            if setstate is not None and setstate is not getattr(object, "__setstate__", None):
                obj.__setstate__(values)
            else:
                obj.__dict__.update(values)
            return obj
        raise ValueError(f"invalid model file: {where} has an unknown tag {tag!r}")

    def _class(self, node, where):
        path = _expect(node, "class", str, where)
        cls = self._allowed.get(path)
        if cls is None:
            raise ValueError(f"invalid model file: {where} names the class {path!r}, which is not "
                             "a scratchlearn class (only those are loaded)")
        return cls

    @staticmethod
    def _dtype(text, where):
        try:
            dtype = np.dtype(text)
        except TypeError:
            raise ValueError(f"invalid model file: {where} has an unknown dtype {text!r}") from None
        if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None:
            raise ValueError(f"invalid model file: {where} has a refused dtype {text!r}")
        return dtype

    @staticmethod
    def _number(x, where):
        if type(x) in (int, float):
            return x
        if type(x) is dict and x.get("$t") == "float" and x.get("value") in ("nan", "inf", "-inf"):
            return float(x["value"])
        raise ValueError(f"invalid model file: {where} is not a number")


def _expect(node, key, kind, where):
    value = node.get(key)
    if type(value) is not kind:
        raise ValueError(f"invalid model file: {where} lacks {key!r} (a {kind.__name__})")
    return value


def _shape(value, where):
    if type(value) is not list or not all(type(n) is int and n >= 0 for n in value):
        raise ValueError(f"invalid model file: {where} has no valid shape")
    return tuple(value)


def load(path):
    """Read a model file written by :func:`save` (a file name or a binary file object) and
    return the object. Only scratchlearn classes are built; nothing in the file is executed.
    Raises ValueError for anything that is not a valid model file of a supported version."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ValueError(f"not a scratchlearn model file (not a readable zip archive: {exc})") from None
    with zf:
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
            raise ValueError(f"invalid model file: the archive is damaged ({exc})") from None
        if bad is not None:
            raise ValueError(f"invalid model file: the archive member {bad!r} is damaged (CRC mismatch)")
        try:
            raw = zf.read(_DOCUMENT)
        except KeyError:
            raise ValueError(f"not a scratchlearn model file (no {_DOCUMENT})") from None
        try:
            doc = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ValueError(f"invalid model file: {_DOCUMENT} is not valid JSON ({exc})") from None
        if type(doc) is not dict or doc.get("format") != FORMAT_NAME:
            raise ValueError("not a scratchlearn model file (no format marker)")
        version = doc.get("version")
        if type(version) is not int:
            raise ValueError("invalid model file: no format version")
        if version > FORMAT_VERSION:
            raise ValueError(f"the model file has format version {version}, newer than this "
                             f"scratchlearn reads ({FORMAT_VERSION}): upgrade scratchlearn")
        if version < 1:
            raise ValueError(f"invalid model file: format version {version}")
        if "root" not in doc:
            raise ValueError("invalid model file: no object in it")
        try:
            return _Reader(zf).value(doc["root"])
        except (zipfile.BadZipFile, EOFError, OSError, RecursionError) as exc:
            raise ValueError(f"invalid model file: {exc}") from None


def _refuse_constant(name):
    raise ValueError(f"invalid model file: {_DOCUMENT} holds the non-standard constant {name}")
