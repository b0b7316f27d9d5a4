// async-validator (inside Element Plus forms) logs every failed rule unless told not to.
(globalThis as Record<string, unknown>).ASYNC_VALIDATOR_NO_WARNING = 1;
