from schema_sync_hook.entry import entry

if __name__ == "__main__":
    entry()
