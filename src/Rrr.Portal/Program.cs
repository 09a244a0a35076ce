using Rrr.Portal.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
app.UsePortal();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can host the portal in tests.</summary>
public partial class Program;
