using System.Text;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class StandardWebhookVerifierTests
{
    // The Standard Webhooks specification's published test vector.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecTs = "1614265330";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] SpecBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp));

    private StandardWebhookVerifier Verifier(params string[] secrets) =>
        new(secrets.Select(WebhookSecret.Parse).ToList(), _time);

    [Fact]
    public void SpecTestVector_Verifies()
    {
        var result = Verifier(SpecSecret).Verify(SpecId, SpecTs, SpecSignature, SpecBody);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Sign_ReproducesTheSpecTestVector()
    {
        Assert.Equal(SpecSignature, StandardWebhookVerifier.Sign(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp, SpecBody));
    }

    [Fact]
    public void TamperedBody_IsRejected()
    {
        var body = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");

        var result = Verifier(SpecSecret).Verify(SpecId, SpecTs, SpecSignature, body);

        Assert.Equal(WebhookRejection.NoValidSignature, result.Rejection);
    }

    [Fact]
    public void OtherMessageId_IsRejected()
    {
        var result = Verifier(SpecSecret).Verify("msg_other", SpecTs, SpecSignature, SpecBody);

        Assert.Equal(WebhookRejection.NoValidSignature, result.Rejection);
    }

    [Fact]
    public void BadSignature_IsRejected()
    {
        var result = Verifier(SpecSecret).Verify(SpecId, SpecTs, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", SpecBody);

        Assert.Equal(WebhookRejection.NoValidSignature, result.Rejection);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void TimestampMoreThanFiveMinutesOff_IsRejected(int offsetSeconds)
    {
        _time.Advance(TimeSpan.FromSeconds(offsetSeconds > 0 ? offsetSeconds : 0));
        var timestamp = offsetSeconds > 0 ? SpecTimestamp : SpecTimestamp - offsetSeconds;

        var result = Verifier(SpecSecret).Verify(SpecId, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), SpecSignature, SpecBody);

        Assert.Equal(WebhookRejection.TimestampOutOfTolerance, result.Rejection);
    }

    [Fact]
    public void TimestampWithinTolerance_IsAccepted()
    {
        _time.Advance(TimeSpan.FromSeconds(299));

        var result = Verifier(SpecSecret).Verify(SpecId, SpecTs, SpecSignature, SpecBody);

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(null, "1614265330", SpecSignature)]
    [InlineData(SpecId, null, SpecSignature)]
    [InlineData(SpecId, "1614265330", null)]
    [InlineData("", "1614265330", SpecSignature)]
    public void MissingHeader_IsRejected(string? id, string? timestamp, string? signature)
    {
        var result = Verifier(SpecSecret).Verify(id, timestamp, signature, SpecBody);

        Assert.Equal(WebhookRejection.MissingHeaders, result.Rejection);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-1614265330")]
    [InlineData("1614265330.5")]
    public void MalformedTimestamp_IsRejected(string timestamp)
    {
        var result = Verifier(SpecSecret).Verify(SpecId, timestamp, SpecSignature, SpecBody);

        Assert.Equal(WebhookRejection.InvalidTimestamp, result.Rejection);
    }

    [Fact]
    public void Rotation_SeveralSignaturesInHeader_AnyValidOneCounts()
    {
        var header = "v1a,c29tZXRoaW5nIGVsc2U= v1,bm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxsISE= " + SpecSignature;

        var result = Verifier(SpecSecret).Verify(SpecId, SpecTs, header, SpecBody);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Rotation_OldAndNewSecretsConfigured_EitherVerifies()
    {
        var newSecret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var signedWithNew = StandardWebhookVerifier.Sign(WebhookSecret.Parse(newSecret), SpecId, SpecTimestamp, SpecBody);
        var verifier = Verifier(newSecret, SpecSecret);

        Assert.True(verifier.Verify(SpecId, SpecTs, signedWithNew, SpecBody).IsValid);
        Assert.True(verifier.Verify(SpecId, SpecTs, SpecSignature, SpecBody).IsValid);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")]
    public void MalformedSecret_IsRefused(string secret)
    {
        Assert.Throws<FormatException>(() => WebhookSecret.Parse(secret));
    }

    [Fact]
    public void Secret_NeverPrintsItsKey()
    {
        Assert.DoesNotContain("MfKQ", WebhookSecret.Parse(SpecSecret).ToString(), StringComparison.Ordinal);
    }
}
