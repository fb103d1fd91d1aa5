def seed(log):  # replaced below
    return None
