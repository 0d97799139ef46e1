"""Running the assistant: which model (model_state), what the environment says (settings),
the stack and the run, train and purge commands, and the Rasa plugins production uses
(lock_store, rasa_patches, rasa_cli)."""
