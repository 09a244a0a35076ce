namespace Rrr.Sandbox.Identity;

/// <summary>OpenIddict's applications, authorizations and tokens for the development provider.</summary>
public sealed class IdpDbContext(DbContextOptions<IdpDbContext> options) : DbContext(options);
