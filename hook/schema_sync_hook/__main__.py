from schema_sync_hook.quick import entry

if __name__ == "__main__":
    entry()
