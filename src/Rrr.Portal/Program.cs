// Settings problems come out as one list on stderr with exit code 1 (see StartupProblems).
return StartupProblems.Run(WebApplication.CreateBuilder(args), Console.Error);

/// <summary>Entry point; public so WebApplicationFactory can host the portal in tests.</summary>
public partial class Program;
