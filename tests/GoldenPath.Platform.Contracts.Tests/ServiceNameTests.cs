namespace GoldenPath.Catalog.Tests;

public sealed class ServiceNameTests
{
    [Theory]
    [InlineData("orders-api")]
    [InlineData("ab")]
    [InlineData("a1")]
    [InlineData("9lives")]
    [InlineData("x123456789012345678901234567890123456789012345678901234567890y")]
    public void AcceptsLowercaseLabelsOfTwoToSixtyThreeCharacters(string name)
    {
        Assert.Null(ServiceName.Validate(name));
        Assert.True(ServiceName.IsValid(name));
    }

    [Theory]
    [InlineData("Orders_API", "upper-case 'O' at position 1", "orders-api")]
    [InlineData("orders_api", "'_' at position 7", "orders-api")]
    [InlineData("-orders", "starts with '-'", "orders")]
    [InlineData("orders-", "ends with '-'", "orders")]
    [InlineData("Bestell-Diënst", "upper-case 'B'", "bestell-dienst")]
    [InlineData("orders api", "' ' at position 7", "orders-api")]
    public void RejectsInvalidNamesAndSuggestsAValidOne(string name, string fault, string suggestion)
    {
        var message = ServiceName.Validate(name);

        Assert.NotNull(message);
        Assert.Contains($"'{name}'", message, StringComparison.Ordinal);
        Assert.Contains(fault, message, StringComparison.Ordinal);
        Assert.EndsWith($"use e.g. '{suggestion}'", message, StringComparison.Ordinal);
        Assert.True(ServiceName.IsValid(ServiceName.Suggest(name)));
    }

    [Fact]
    public void RejectsASingleCharacterWithoutInventingASuggestion()
    {
        var message = ServiceName.Validate("a");

        Assert.Equal("'a' is shorter than 2 characters; use 2-63 characters from a-z, 0-9 and '-', starting and ending with a letter or digit", message);
    }

    [Fact]
    public void RejectsSixtyFourCharactersAndSuggestsTheNameCutToSixtyThree()
    {
        var name = new string('a', 30) + "-" + new string('b', 33);

        var message = ServiceName.Validate(name);

        Assert.NotNull(message);
        Assert.Contains("is 64 characters long, more than 63", message, StringComparison.Ordinal);
        Assert.EndsWith($"use e.g. '{name[..63]}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void RejectsAnEmptyName(string? name) =>
        Assert.Equal("the name is empty; use a lowercase name of 2-63 characters such as 'orders-api'", ServiceName.Validate(name));

    [Fact]
    public void SuggestsNothingForTextWithNoUsableCharacters() => Assert.Null(ServiceName.Suggest("日本語"));
}
