"""Reading a learner's typed answer, and the rule a wrong answer broke, in plain words.

Every `why_*` function gets what the learner gave, the right answer from the installed Keras and the
question's Config; with tell=False it names the rule without giving the right answer away.
"""

from __future__ import annotations

import re

import numpy as np

from rnnlab import architecture, learner_text, refusals
from rnnlab.inputs import lengths_of
from rnnlab.params import Config
from rnnlab.result import TOLERANCE

SHAPE_EXAMPLE = "write shapes as (32, 10, 64), (32, 64)"


def quoted(token: str) -> str:
    """A piece of the learner's text for a message: its first 20 letters, digits and '._-' (anything else reads
    '?'), quoted for learner_text.message."""
    return learner_text.quoted(re.sub(r"[^\w.\-]", "?", token[:20]))

# --- reading typed answers --------------------------------------------------------------------------------


def _read_shape(group: str) -> tuple | str | None:
    """'32, None, 64' -> (32, None, 64); a message when a token is not a size; None when it is empty."""
    tokens = [t for t in re.split(r"[\s,×x*]+", group.strip()) if t]
    bad = [t for t in tokens if not re.fullmatch(r"\d+|None", t, re.I)]
    if bad:
        return f"Could not read {quoted(bad[0])} as a size: {SHAPE_EXAMPLE} (None for an unknown batch)."
    return tuple(None if t.lower() == "none" else int(t) for t in tokens) or None


REPEATED = re.compile(r"(\d+)\s*[x×*]\s*([(\[][^()\[\]]*[)\]])|([(\[][^()\[\]]*[)\]])\s*[x×*]\s*(\d+)")


def _unrepeated(text: str) -> str:
    """'3 x (32, 64)' (or '(32, 64) x 3') -> '(32, 64), (32, 64), (32, 64)' (at most 9 copies)."""
    def copies(m: re.Match[str]) -> str:
        times, shape = (int(m[1]), m[2]) if m[1] else (int(m[4]), m[3])
        return ", ".join([shape] * min(times, 9))
    return REPEATED.sub(copies, text)


def read_shapes(text: str) -> list[tuple] | str:
    """'(32, 10, 64), (None, 64)' -> [(32, 10, 64), (None, 64)]; '3 x (32, 64)' is three shapes; a message when
    it cannot be read."""
    text = _unrepeated(text)
    shapes = [_read_shape(g) for g in re.findall(r"[(\[]([^()\[\]]*)[)\]]", text) or [text]]
    problem = next((s for s in shapes if isinstance(s, str)), None)
    return problem or [s for s in shapes if s] or f"Type at least one shape: {SHAPE_EXAMPLE}."


def read_number(text: str) -> int | str:
    """'17,408' -> 17408; a message when it is not a whole number."""
    number = re.sub(r"\s*(parameters|parameter|params|weights)?\.?\s*$", "", text.strip(), flags=re.I)
    digits = re.sub(r"(?<=\d)[,_ ](?=\d{3})", "", number)
    if not re.fullmatch(r"\d{1,15}", digits):
        return "Type a whole number, e.g. 3 or 17,408."
    return int(digits)


FIRST = {"output", "out", "outputs", "y", "last_output", "whole_seq", "seq", "sequence", "sequences",
         "whole_sequence", "whole_seq_output", "whole_sequence_output", "lstm_out"}
STATE_ALIASES = {
    "state_h": {"h", "state_h", "hidden", "hidden_state", "h_t", "final_h", "h_n", "hn", "memory", "memory_state",
                "final_memory_state", "hidden_state_h"},
    "state_c": {"c", "state_c", "cell", "cell_state", "c_t", "final_c", "c_n", "cn", "carry", "carry_state",
                "final_carry_state"},
}
DIRECTED = re.compile(r"(forward|fwd|backward|bwd)_(h|c|output|out|state_h|state_c)|(h|c)_(forward|fwd|backward|bwd)")
NAME_EXAMPLE = "name them as Keras's documentation does: output (or whole_seq), state_h, state_c"


def _name(token: str, first: str) -> str | None:
    token = token.lower()
    if token in FIRST:
        return first if first in ("output", "whole_seq") else token
    for name, aliases in STATE_ALIASES.items():
        if token in aliases:
            return name
    directed = DIRECTED.fullmatch(token)
    if directed:
        direction = "forward" if (directed[1] or directed[4]).startswith("f") else "backward"
        what = directed[2] or directed[3]
        return f"{direction}_{ {'state_h': 'h', 'state_c': 'c', 'out': 'output'}.get(what, what)}"
    return token if token in ("prediction", "forward_output", "backward_output") else None


def read_names(text: str, right: list[str]) -> list[str] | str:
    """'out, h, c' -> ['output', 'state_h', 'state_c'] (the first tensor's aliases read as Keras's name)."""
    tokens = [t for t in re.split(r"[\s,;()\[\]'\"`=]+", text) if t]
    if not tokens:
        return f"Type the names in order: {NAME_EXAMPLE}."
    names = [_name(t, right[0] if right else "output") for t in tokens]
    unread = [t for t, n in zip(tokens, names) if n is None]
    if unread:
        return f"Could not read {quoted(unread[0])} as a returned tensor: {NAME_EXAMPLE}."
    return names


def read_groups(text: str, config: Config) -> tuple[tuple[str, ...], ...] | str:
    """'output = state_h' -> (('output', 'state_h'),); 'none' -> (); groups apart with ';'."""
    if re.fullmatch(r"\s*(none|nothing|no|neither|no two)\.?\s*", text, re.I):
        return ()
    names = list(architecture.output_names(config))
    groups = []
    for part in _group_texts(text):
        if not part.strip():
            continue
        read = read_names(part, names)
        if isinstance(read, str):
            return read + " Or type none."
        if len(set(read)) < 2:
            return "Name at least two tensors that are equal, with = between them (as in a = b), or type none."
        groups.append(tuple(sorted(set(read), key=_order(names))))
    return tuple(groups)


def _group_texts(text: str) -> list[str]:
    """Groups apart with ';' or a new line; 'and' parts them only between two equalities ('output = state_h
    and forward_h = backward_h'), else it joins names of one group ('output and state_h')."""
    parts = []
    for line in re.split(r"[;\n]", text):
        pieces = re.split(r"\band\b", line)
        parts += pieces if len(pieces) > 1 and all("=" in p for p in pieces) else [re.sub(r"\band\b", " ", line)]
    return parts


def _order(names: list[str]):
    return lambda n: names.index(n) if n in names else len(names)


def read_choice(text: str, choices: dict[str, str]) -> str | None:
    """A choice's key or its label (or 'yes' for the first) -> its key; None when it is neither."""
    typed = text.strip().lower()
    for key, label in choices.items():
        if typed in (key, label.lower()):
            return key
    return next(iter(choices)) if typed in ("yes", "y") and "builds" in choices else None


# --- facts from a run ------------------------------------------------------------------------------------

# The choices of the questions that are answered by choosing (rnnlab.questions.CHOICES): key -> what it says.
BUILDS = {
    "builds": "Yes: Keras builds it",
    "needs_sequence": "No: a recurrent layer needs a sequence from the layer below",
    "forward_inside_bidirectional": "No: the layer inside Bidirectional must read forwards",
    "one_tensor_for_the_next_layer": "No: merge_mode=None hands the next layer two tensors",
    "stateful_bidirectional_states": "No: a stateful Bidirectional layer cannot return its states (a Keras bug)",
    "time_distributed_needs_sequence": "No: TimeDistributed needs a sequence",
    "other": "No: for another reason",
}
PADDED = {
    "zeros": "Zeros",
    "repeat": "The output of the last real step, carried forward",
    "new": "A new value: the zeros are read as data",
}
BUILD_KEYS = ("forward_inside_bidirectional", "needs_sequence", "one_tensor_for_the_next_layer",
              "stateful_bidirectional_states", "time_distributed_needs_sequence")  # refusals.RULES' order


def refusal_key(refusal: dict | None) -> str:
    """describe()'s refusal -> the key of the rule Keras's refusal broke ('builds' when it builds)."""
    if not refusal:
        return "builds"
    for key, rule in zip(BUILD_KEYS, refusals.RULES):
        if refusal["explanation"] == rule.explanation:
            return key
    return "other"


def equal_groups(values: dict[str, np.ndarray]) -> tuple[tuple[str, ...], ...]:
    """Groups of returned tensors that hold the same numbers (same shape, max |difference| <= TOLERANCE)."""
    names, groups = list(values), []
    for name in names:
        group = next((g for g in groups if _same(values[g[0]], values[name])), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    return tuple(tuple(g) for g in groups if len(g) > 1)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and float(np.max(np.abs(a - b), initial=0.0)) <= TOLERANCE


def padded_value(values: dict[str, np.ndarray], config: Config) -> str:
    """What the first returned sequence holds at a padded step of the shortest row: zeros, the last real
    step's output carried forward, or a new value."""
    seq = values[architecture.output_names(config)[0]]
    lengths = lengths_of(config.batch, config.lengths, config.timesteps)
    row = int(np.argmin(lengths))
    real, steps = int(lengths[row]), config.timesteps
    if seq.ndim != 3 or real == steps:
        raise ValueError("a padded-step question needs return_sequences and a sequence shorter than timesteps")
    pad, last_real = (steps - 1, real - 1) if config.padding == "post" else (0, steps - 1)
    value = seq[row, pad]
    if np.max(np.abs(value)) <= TOLERANCE:
        return "zeros"
    return "repeat" if np.max(np.abs(value - seq[row, last_real])) <= TOLERANCE else "new"


# --- why an answer is wrong --------------------------------------------------------------------------------


def why_x(given: list[tuple], shape: tuple, config: Config, tell: bool) -> str:
    """The rule a typed input shape broke: x is one array (batch, timesteps, features)."""
    here = f", here {shape}" if tell else ""
    rule = "x is one array with three axes: (batch, timesteps, features)"
    if len(given) != 1:
        return f"{rule}{here}: type one shape."
    g = given[0]
    if None in g:
        return (f"x is an array you hold, so its batch axis is a number{f' ({shape[0]})' if tell else ''}; None "
                "appears only in a model's summary, where any batch size fits.")
    if g == shape[1:]:
        return ("That leaves out the batch axis: keras.Input(shape=...) takes (timesteps, features) only, but x "
                f"itself holds the whole batch, so its first axis is the batch{here}.")
    if len(g) == 3 and sorted(g) == sorted(shape):
        return f"The right sizes in the wrong order: {rule}{here}."
    if len(g) == 3 and g[-1] == config.units != config.features:
        return f"units is the layer's size: it shapes what the layer returns, never x. {rule}{here}."
    return f"Not {g}: {rule}{here}."


def _state_count(config: Config) -> int:
    return (2 if config.layer == "lstm" else 1) * config.directions if config.return_state else 0


# (applies(given, right, config), rule, the rule asked without a quantity): the first that applies names what a
# wrong count of tensors broke; before the answer is shown (hidden mode) the second form asks what decides it
COUNT_RULES = (
    (lambda g, r, c: not c.return_state and g > r and c.head != "none",
     "return_state is off, so no states come back: the layer's output, then the head's prediction",
     "look at return_state here, and at what the head hands back"),
    (lambda g, r, c: not c.return_state and g > r, "return_state is off, so no states come back: only the output",
     "look at return_state here: what does it decide?"),
    (lambda g, r, c: c.head != "none" and g == r - 1,
     "the model hands back the layer's output and, after it, the head's prediction",
     "look at what the model hands back: is the layer's output among it?"),
    (lambda g, r, c: c.bidirectional and c.merge_mode == "none" and g == r - 1,
     "merge_mode=None returns the forward and the backward outputs as two tensors, not one",
     "look at merge_mode: what does merge_mode=None do with the directions' outputs?"),
    (lambda g, r, c: c.bidirectional and c.return_state and g == r - _state_count(c) // 2,
     "each direction returns its own states: Bidirectional never merges them",
     "look at the states of a Bidirectional layer: are they merged like its output?"),
    (lambda g, r, c: c.return_state and c.layer == "lstm" and g == r - c.directions,
     "an LSTM has two states, h and c, and return_state returns both",
     "look at the states an LSTM keeps, and which of them return_state returns"),
    (lambda g, r, c: c.return_state and c.layer != "lstm" and g == r + c.directions,
     "a GRU or a SimpleRNN has one state, h: there is no cell state c",
     "look at the states this kind of layer keeps: does it have a cell state?"),
    (lambda g, r, c: c.return_state and g < r, "return_state adds the final states after the output",
     "look at what return_state adds to the output"),
)
COUNT_ANY = ("count the output, then (with return_state) the final states, then any head's prediction",
             "count what the layer hands back: its output, what return_state adds, and any head's prediction")


def _count_rule(given: int, right: int, config: Config, tell: bool = True) -> str:
    found = next(((rule, hidden) for applies, rule, hidden in COUNT_RULES if applies(given, right, config)),
                 COUNT_ANY)
    return found[0] if tell else found[1]


def why_count(given: int, right: int, config: Config, tell: bool) -> str:
    """The rule a wrong number of tensors broke (without telling: what decides it, never how many)."""
    rule = _count_rule(given, right, config, tell)
    if tell:
        return f"Keras returns {right} tensor{'s' * (right != 1)} here, not {given}: {rule}."
    return f"Keras returns a different number of tensors here, not {given}: {rule}."


TIMESTEPS_RULE = ("with return_sequences the output keeps the timesteps axis, (batch, timesteps, units); without "
                  "it, and for every state, there is no timesteps axis, (batch, units)")
# (applies(given, right, name), rule) for a shape whose number of axes or first axes are wrong
SHAPE_RULES = (
    (lambda g, e, n: len(g) == len(e) - 1 and g == e[1:],
     "that leaves out the batch axis: every tensor Keras returns starts with the batch, one row per sequence"),
    (lambda g, e, n: len(e) == 3 and g == (e[0], e[2]), TIMESTEPS_RULE),
    (lambda g, e, n: len(g) == len(e) + 1 and n.endswith(("_h", "_c")),
     "a state is the final value only: there is no timesteps axis, (batch, units)"),
    (lambda g, e, n: len(g) == len(e) + 1, "without return_sequences there is no timesteps axis, (batch, units)"),
    (lambda g, e, n: len(g) == len(e) and g[0] != e[0], "the first axis is the batch, one row per sequence of x"),
    (lambda g, e, n: len(g) == len(e) == 3 and g[1] != e[1], "the timesteps axis keeps the input's length"),
)


def _none_rule(g: tuple, e: tuple, tell: bool) -> str | None:
    """None where Keras has a number for the batch, or a number where Keras has None."""
    if None in g and tuple(e[0] if v is None else v for v in g) == e:
        return ("None is how a model's summary writes a batch size it does not know yet; x here is an array of "
                f"{e[0] if tell else 'a known number of'} sequences, and the first axis is that number")
    if e[0] is None and g[1:] == e[1:]:
        return "a model's tensor, before any array goes through it, has no batch size yet: Keras writes None"
    return None


def _shape_rule(g: tuple, e: tuple, name: str, config: Config, tell: bool) -> str:
    none = _none_rule(g, e, tell)
    if none:
        return none
    if len(g) == len(e) and g[:-1] == e[:-1]:
        return _last_axis_rule(g[-1], e[-1], name, config)
    return next((rule for applies, rule in SHAPE_RULES if applies(g, e, name)), TIMESTEPS_RULE)


def _is_state(name: str) -> bool:
    return name.endswith(("_h", "_c"))


# (applies(given last axis, right last axis, name, config), rule) for a wrong last axis
LAST_AXIS_RULES = (
    (lambda g, e, n, c: n == "prediction",
     "Dense acts on the last axis only: the prediction ends with the head's own size, head_units"),
    (lambda g, e, n, c: c.bidirectional and c.merge_mode == "concat" and not _is_state(n) and g * 2 == e,
     "concat puts the forward and backward outputs side by side: the last axis is 2 × units"),
    (lambda g, e, n, c: c.bidirectional and _is_state(n) and g == 2 * e,
     "Bidirectional never merges the states: each direction's state keeps units"),
    (lambda g, e, n, c: g == c.timesteps != e,
     "units is not the number of timesteps: the last axis is units, the layer's size, for any length"),
    (lambda g, e, n, c: g == c.features != e, "the last axis is units, the layer's size, never the input's features"),
)


def _last_axis_rule(g: int, e: int, name: str, config: Config) -> str:
    return next((rule for applies, rule in LAST_AXIS_RULES if applies(g, e, name, config)),
                "the first axis is the batch and the last is units, the layer's size (never the input's features)")


def why_shapes(given: list[tuple], right: list[tuple], config: Config, tell: bool) -> str:
    """The rule the first wrong shape broke, naming the tensor by its place (and, when telling, by its name: a
    name such as whole_seq would say which flags are on)."""
    names = architecture.output_names(config)
    k = next(i for i, (g, e) in enumerate(zip(given, right)) if g != e)
    name = names[k] if len(names) == len(right) else ""
    rule = _shape_rule(given[k], right[k], name, config, tell)
    return f"Tensor {k + 1}{f' ({name})' if name and tell else ''}: Keras returns {right[k] if tell else 'another shape'}, not {given[k]}: {rule}."


# what a wrong order is asked before the answer is shown: what decides the order, never the order itself
ORDER_HIDDEN = {
    "no_c": "Look at the states this kind of layer keeps: does it have a cell state?",
    "other": "Those are not the tensors this layer returns.",
    "output": "Same names, another order: where does Keras put the layer's output among what it returns?",
    "h_c": "Same names, another order: which state does the LSTM cell hand out as its output, h or c, and where "
           "does Keras put that one?",
    "directions": "Same names, another order: how does Keras order the two directions' states?",
}


def why_order(given: list[str], right: list[str], tell: bool) -> str:
    """The rule a wrong order (or wrong names) broke; without telling, what decides the order."""
    if not tell:
        return ORDER_HIDDEN[_order_mistake(given, right)]
    order = f" Keras's order: {', '.join(right)}."
    told = {"no_c": "A GRU or a SimpleRNN keeps one state, h: there is no cell state c.",
            "other": "Those are not the tensors this layer returns.",
            "output": "The output comes first; the final states follow it.",
            "h_c": ("Same shapes, wrong order: Keras returns h before c (the LSTM cell ends with "
                    "`return h, [h, c]`), so state_h comes before state_c."),
            "directions": "The forward direction's states come before the backward direction's."}
    return told[_order_mistake(given, right)] + order


def _order_mistake(given: list[str], right: list[str]) -> str:
    """Which rule a wrong list of names broke: a key of ORDER_HIDDEN."""
    if sorted(given) != sorted(right):
        return "no_c" if "state_c" in given and "state_c" not in right else "other"
    if given[0] != right[0]:
        return "output"
    pairs = (("state_h", "state_c"), ("forward_h", "forward_c"), ("backward_h", "backward_c"))
    return "h_c" if any(h in given and c in given and given.index(c) < given.index(h) for h, c in pairs) \
        else "directions"


# (applies(the names the learner grouped, the right groups, config), rule) for a wrong answer about equal tensors
EQUAL_RULES = (
    (lambda said, groups, right, c: any({"state_h", "state_c"} <= set(g) for g in groups),
     "h and c are different numbers: c is the cell's memory, and h = o × tanh(c) is what it outputs."),
    (lambda said, groups, right, c: any({"output", "state_c"} <= set(g) for g in groups),
     "c is the cell's memory and never leaves the cell as the output: the layer outputs h = o × tanh(c)."),
    (lambda said, groups, right, c: "whole_seq" in said,
     "whole_seq has a timesteps axis and state_h has not: only its last step equals the final h, "
     "whole_seq[:, -1, :] == state_h. Tensors of different shapes are never equal."),
    (lambda said, groups, right, c: "prediction" in said,
     "The prediction is Dense applied to the output: new numbers, of the head's size."),
    (lambda said, groups, right, c: c.bidirectional and c.merge_mode != "none" and "output" in said,
     "The merged output combines both directions: it equals neither state (with concat, its halves are "
     "forward_h and backward_h)."),
    (lambda said, groups, right, c: right and not groups,
     "Without return_sequences the output is the last h: the same numbers as the final hidden state, returned "
     "twice."),
)


def why_equal(given: tuple, right: tuple, config: Config, tell: bool) -> str:
    """The rule a wrong answer about equal tensors broke."""
    said = {n for group in given for n in group}
    rule = next((rule for applies, rule in EQUAL_RULES if applies(said, given, right, config)),
                "Those tensors hold different numbers in Keras's run.")
    if not tell and rule == EQUAL_RULES[-1][1]:
        rule = "Some of the tensors returned hold the same numbers: ask what each of them is, and at which step."
    return rule + (f" Keras's run: {'; '.join(' = '.join(g) for g in right) or 'none'}." if tell else "")


def _blocks(config: Config) -> int:
    return {"lstm": 4, "gru": 3, "simple_rnn": 1}[config.layer]


def _params_rules(config: Config, right: int) -> dict[int, str]:
    """Typical wrong counts for one plain layer -> the rule each one breaks."""
    n, f, u = _blocks(config), config.features, config.units
    kind = {4: "an LSTM has four blocks (i, f, c, o)", 3: "a GRU has three blocks (z, r, h)", 1: "one block"}[n]
    found = {
        n * (f * u + u * u): "every block has a bias too: + blocks × units",
        n * (f * u + u): "every block has a recurrent kernel too, (units × units), for the previous h",
        n * (f * u + u * u + 2 * u): ("Keras keeps one bias per block: PyTorch's count, with its two bias vectors "
                                      "(bias_ih and bias_hh), is blocks × units more"),
        f * u + u * u + u: f"{kind}, each with a kernel, a recurrent kernel and a bias",
        n * (config.timesteps * u + u * u + u): "the weights do not depend on timesteps: the same weights are used at "
                                                 "every step; the kernel is (features, blocks × units)",
    }
    if config.layer == "gru":
        found[3 * (f * u + u * u + u)] = ("reset_after=True (the default) gives the GRU two bias rows, input and "
                                           "recurrent: 3 × units more than one bias")
    found.pop(right, None)
    return found


def _head_weights(config: Config) -> int:
    return config.units * config.head_units + config.head_units if config.head != "none" else -1


def _params_rule(given: int, right: int, config: Config) -> str | None:
    """The rule of a typical wrong count, when the learner's number is one."""
    if config.bidirectional:
        return "Bidirectional holds two copies of the layer, forward and backward: twice the parameters" \
            if given * 2 == right else None
    if config.depth > 1:
        return None
    if right - given == _head_weights(config):
        return "the head's Dense has its own kernel and bias: (units × head_units) + head_units"
    if given > right and given % right == 0:
        return ("the weights do not depend on timesteps (nor on the batch): the same weights are used at every "
                "step, so a longer sequence needs no more of them")
    return _params_rules(config, right).get(given) if config.head == "none" else None


def why_params(given: int, right: int, config: Config, tell: bool) -> str:
    """The rule a wrong parameter count broke; without telling, the rule without by how much the count is off
    (the part before its colon)."""
    rule = _params_rule(given, right, config) or (
        "each recurrent layer holds blocks × (inputs × units + units × units + units), where inputs is the "
        "features for the first layer and the layer below's width for the next")
    rule = rule if tell else rule.split(":")[0]
    return rule[0].upper() + rule[1:] + "." + (f" count_params() says {right:,}." if tell else "")


def why_builds(given: str, right: str, config: Config, tell: bool) -> str:
    """The rule a wrong 'will Keras build this?' answer broke."""
    if right == "builds":
        if not tell:
            return f"{BUILDS[given][4:].rstrip('.')}: that does not apply to this model. Look at what each layer hands on."
        return f"Keras builds this model: {BUILDS[given][4:].rstrip('.')} does not apply to it."
    explanation = refusals.RULES[BUILD_KEYS.index(right)].explanation if right in BUILD_KEYS else ""
    if given == "builds":
        return "Keras refuses this model." + (f" {explanation}" if tell else " Look at what each layer hands on.")
    return "Keras refuses it, but for another reason." + (f" {explanation}" if tell else "")


PADDED_RULES = {
    "repeat": ("With a mask a padded step is skipped: the layer carries the last real step's output forward (on a "
               "CPU; cuDNN on a GPU writes zeros there)."),
    "zeros_masked": ("With pre-padding the padded steps come first: nothing real has been read yet, and a masked "
                     "step carries the initial state, zeros."),
    "zeros_unmasked": ("Without a mask the zeros are read as data, but an untrained layer turns zero inputs into a zero "
                       "state: from a zero state, the candidate g = tanh(W·0 + U·0 + b) is 0 because its bias b "
                       "starts at 0 (only the LSTM's forget bias starts at 1, and it multiplies a zero c), so "
                       "pre-padding changes nothing until training moves the biases."),
    "zeros_bidirectional": ("Inside Bidirectional with return_sequences Keras sets zero_output_for_mask: a masked "
                            "step is skipped and its output written as zeros, on a CPU too."),
    "new": "Without a mask the zeros are read as data: every padded step computes a new state from a zero input.",
}


def why_padded(given: str, right: str, config: Config, tell: bool) -> str:
    """The rule a wrong answer about the output at a padded step broke."""
    key = right if right != "zeros" else ("zeros_unmasked" if not config.mask else
                                          "zeros_bidirectional" if config.bidirectional else "zeros_masked")
    return f"Not {PADDED[given][0].lower() + PADDED[given][1:]}. {PADDED_RULES[key] if tell else PADDED_HIDDEN}"


# the rule for a wrong answer when the right one stays hidden: what decides it, never what it is
PADDED_HIDDEN = ("Ask two things: does a mask reach the layer, and do the padded steps come before the real ones or "
                 "after them? A masked step is skipped; a step without a mask is read as data, like any other.")


WHY_CHOICE = {"builds": why_builds, "padded": why_padded}
