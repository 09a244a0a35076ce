using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Webhooks;
using Rrr.Sandbox;
using Rrr.Sandbox.Webhooks;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

public sealed class WebhookSignerTests
{
    // The Standard Webhooks specification's published test vector.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] SpecBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void Sign_ReproducesTheSpecTestVector()
    {
        Assert.Equal(SpecSignature, new WebhookSigner([SpecSecret]).Sign(SpecId, SpecTimestamp, SpecBody));
    }

    [Fact]
    public void Sign_WithTwoSecrets_SendsOneSignaturePerSecret_EachVerifiableAlone()
    {
        var signer = new WebhookSigner([SpecSecret, SandboxSettings.DevWebhookSecret]);

        var header = signer.Sign(SpecId, SpecTimestamp, SpecBody);

        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(SpecSignature, parts[0]);
        Assert.NotEqual(parts[0], parts[1]);
        // The portal's independent verifier accepts the header holding only the other secret (rotation).
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp));
        var verifier = new StandardWebhookVerifier([WebhookSecret.Parse(SandboxSettings.DevWebhookSecret)], time);
        Assert.True(verifier.Verify(SpecId, SpecTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), header, SpecBody).IsValid);
    }

    [Fact]
    public void Signer_RefusesASecretThatIsNotBase64()
    {
        Assert.Throws<InvalidOperationException>(() => new WebhookSigner(["whsec_not base64!"]));
    }

    [Fact]
    public void Body_IsSnakeCaseEnvelopeWithDataAsGiven()
    {
        var data = new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet",
            ["resource_id"] = "rrr_m_1001",
            ["version"] = 7L,
            ["points"] = 150L,
            ["reason_code"] = null,
        };

        var body = WebhookOutbox.BuildBody("evt_X", "POINTS_POSTED", "2026-11-25T13:00:00Z", data);

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(["id", "type", "created_at", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("evt_X", root.GetProperty("id").GetString());
        Assert.Equal("POINTS_POSTED", root.GetProperty("type").GetString());
        Assert.Equal("2026-11-25T13:00:00Z", root.GetProperty("created_at").GetString());
        Assert.Equal(7L, root.GetProperty("data").GetProperty("version").GetInt64());
        Assert.Equal("rrr_m_1001", root.GetProperty("data").GetProperty("resource_id").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("data").GetProperty("reason_code").ValueKind);
    }

    [Fact]
    public void EventIds_AreEvtPlus26CrockfordCharacters_AndUnique()
    {
        var now = DateTimeOffset.Parse("2026-11-25T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var ids = Enumerable.Range(0, 1000).Select(_ => EventIds.New(now)).ToList();

        Assert.All(ids, id => Assert.Matches("^evt_[0-9A-HJKMNP-TV-Z]{26}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        // The time prefix orders ids created in later milliseconds after earlier ones.
        Assert.True(string.CompareOrdinal(EventIds.New(now.AddMilliseconds(1)), ids[0]) > 0);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 30)]
    [InlineData(3, 120)]
    [InlineData(4, 600)]
    [InlineData(5, 1800)]
    [InlineData(6, 3600)]
    [InlineData(7, 21600)]
    [InlineData(12, 21600)]
    public void Backoff_FollowsTheContractSchedule(int attempt, int expectedSeconds)
    {
        var created = DateTimeOffset.Parse("2026-11-25T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var attempted = created.AddMinutes(1);

        var next = new WebhookDeliveryOptions().NextAttemptAfterFailure(attempt, attempted, created);

        Assert.Equal(attempted.AddSeconds(expectedSeconds), next);
    }

    [Fact]
    public void Backoff_GivesUpOnceTheNextAttemptWouldBeLaterThanThreeDays()
    {
        var created = DateTimeOffset.Parse("2026-11-25T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var options = new WebhookDeliveryOptions();

        Assert.NotNull(options.NextAttemptAfterFailure(20, created.AddDays(3).AddHours(-6), created));
        Assert.Null(options.NextAttemptAfterFailure(20, created.AddDays(3).AddHours(-5), created));
    }
}
