var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/api/status", () => "ok");
app.Run();
