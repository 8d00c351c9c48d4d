"""Train the playground's model on a task and watch what its shapes mean.

    settings.py  the training settings table (task, optimizer, learning rate, epochs, samples)
    tasks.py     x and y for each task: per-timestep targets, or one per sequence
    fit.py       what must match before training, then a real model.fit watched by a callback (train_task: the
                 same as training's engine task, its epochs and predictions sent as messages)
    jobs.py      the server's trainings, one at a time on training's engine: a queue with its watchers, shared
                 identical jobs, one per browser, stop
    figures.py   the loss curve, predictions against targets, h_t before and after

Importing this package (or its settings table) loads no Keras; fit, jobs and figures do.

    >>> from rnnlab.params import parse
    >>> from rnnlab.training.fit import train
    >>> from rnnlab.training.settings import Settings
    >>> config = parse("units=8&return_sequences=true&head=dense").config
    >>> train(config, Settings(task="echo", epochs=2, samples=64)).y_shape
    (64, 10, 1)
"""
