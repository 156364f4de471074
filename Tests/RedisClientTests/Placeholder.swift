// placeholder until the module gets its first file
