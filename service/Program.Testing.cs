// Lets the tests' WebApplicationFactory<Program> reach the top-level program.
public partial class Program;
