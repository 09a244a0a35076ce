using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rrr.Portal.Auth;
using Rrr.Portal.Components.Layout;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Components;

public sealed class ShellTests : PortalComponentTest
{
    [Fact]
    public void ErrorBoundary_WhenChildThrows_ShowsAndLogsTheSameCorrelationId()
    {
        var log = new RecordingLoggerProvider();
        Services.AddLogging(b => b.AddProvider(log));

        var cut = Render<CorrelatedErrorBoundary>(p => p.AddChildContent<Thrower>());

        var shown = cut.Find("[data-testid=correlation-id]").TextContent;
        Assert.False(string.IsNullOrWhiteSpace(shown));
        Assert.Equal(shown, cut.Instance.CorrelationId);
        Assert.Contains(log.Messages, m => m.Contains(shown, StringComparison.Ordinal));
        Assert.DoesNotContain("boom-secret", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void UserBar_SignedIn_ShowsNameRoleAndSignOutForm()
    {
        SignInAs("Ada Admin", PortalRoles.Admin);
        // UserBar asks whether it is interactive (the bell and the link chip need a circuit): a static render here.
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));

        var cut = Render<UserBar>();

        Assert.Contains("Ada Admin", cut.Find("[data-testid=signed-in-user]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Admin", cut.Find(".role-chip").TextContent, StringComparison.Ordinal);
        var form = cut.Find("form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("account/signout", form.GetAttribute("action"));
    }

    [Fact]
    public void UserBar_Anonymous_OffersSignIn()
    {
        var cut = Render<UserBar>();

        Assert.Empty(cut.FindAll("form"));
        Assert.Contains(cut.FindAll("a"), a => a.GetAttribute("href") == "account/signin");
    }

    [Fact]
    public void HomePath_FollowsRole()
    {
        static System.Security.Claims.ClaimsPrincipal User(params string[] roles) =>
            new(new System.Security.Claims.ClaimsIdentity(roles.Select(r => new System.Security.Claims.Claim("role", r)), "t", "name", "role"));

        Assert.Equal("/member", AuthSetup.HomePathFor(User(PortalRoles.Member)));
        Assert.Equal("/model", AuthSetup.HomePathFor(User(PortalRoles.Model)));
        Assert.Equal("/admin", AuthSetup.HomePathFor(User(PortalRoles.Admin, PortalRoles.Member)));
        Assert.Equal("/no-role", AuthSetup.HomePathFor(User("rrr_admin")));
    }

    private sealed class Thrower : ComponentBase
    {
        protected override void OnInitialized() => throw new InvalidOperationException("boom-secret");
    }
}
