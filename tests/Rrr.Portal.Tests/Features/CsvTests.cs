using Rrr.Core.Features;

namespace Rrr.Portal.Tests.Features;

/// <summary>The one CSV writer both exports share (audit trail, member history).</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    [InlineData("mid=dle", "mid=dle")]
    public void Escape_QuotesOnlyWhenNeeded(string? cell, string expected) => Assert.Equal(expected, Csv.Escape(cell));

    [Theory]
    [InlineData("=SUM(A1:A2)", "'=SUM(A1:A2)")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=HYPERLINK(\"http://e.test\",\"a\")", "\"'=HYPERLINK(\"\"http://e.test\"\",\"\"a\"\")\"")]
    public void Escape_NeutralisesFormulaPrefixes(string cell, string expected) => Assert.Equal(expected, Csv.Escape(cell));

    [Fact]
    public async Task TypedRow_WritesNumbersAsNumbers_AndTextThroughTheEscape()
    {
        using var writer = new StringWriter();

        await Csv.WriteRowAsync(writer, [CsvCell.Number(-200), CsvCell.Text("-200"), CsvCell.Text("a,b"), CsvCell.Number(1_000_000), CsvCell.Text(null)]);

        Assert.Equal("-200,'-200,\"a,b\",1000000,\r\n", writer.ToString());
    }

    [Fact]
    public void Timestamp_IsIso8601InUtc()
    {
        Assert.Equal("2026-11-24T07:30:05.120Z", Csv.Timestamp(new DateTimeOffset(2026, 11, 24, 9, 30, 5, 120, TimeSpan.FromHours(2))));
    }
}
