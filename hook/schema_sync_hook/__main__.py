from schema_sync_hook.cli import entry

if __name__ == "__main__":
    entry()
