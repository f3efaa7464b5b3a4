"""The annual report pack: the tables the partnership's annual report needs, taken from the filled workbooks."""
