namespace KeepOperator.Fuzz;

/// <summary>
/// The campaign's coverage-free mutator, afl-fuzz's havoc stage in small: 1-4 stacked edits per input, among bit
/// flips, interesting byte values, inserted, deleted and duplicated runs, splices with another corpus entry, dictionary
/// tokens (one, or repeated up to 200 times: deep nesting, long words), and edits of whole whitespace-separated words
/// (drop, duplicate, swap) for text. Deterministic for a given <see cref="Random"/>.
/// </summary>
public sealed class FuzzMutator(Random random, IReadOnlyList<byte[]> dictionary, int maxLength)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xfe, 0xff, 0x0f, 0xf0, 0x10, 0x40];

    private const int Edits = 12;

    public byte[] Mutate(byte[] parent, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(parent);
        int edits = random.Next(1, 5);
        for (int i = 0; i < edits; i++)
        {
            Edit(data, corpus);
        }

        return data.Count <= maxLength ? [.. data] : [.. data.Take(maxLength)];
    }

    private void Edit(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(Edits))
        {
            case 0 when data.Count > 0:
                data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[random.Next(data.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when data.Count > 0:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 3:
                data.InsertRange(random.Next(data.Count + 1), RandomBytes(random.Next(1, 9)));
                break;
            case 4 when data.Count > 0:
                {
                    int at = random.Next(data.Count);
                    data.RemoveRange(at, random.Next(1, Math.Min(16, data.Count - at) + 1));
                    break;
                }

            case 5 when data.Count > 0:
                {
                    int at = random.Next(data.Count);
                    var run = data.GetRange(at, random.Next(1, Math.Min(32, data.Count - at) + 1));
                    data.InsertRange(random.Next(data.Count + 1), run);
                    break;
                }

            case 6 when corpus.Count > 0:
                {
                    var other = corpus[random.Next(corpus.Count)];
                    int cut = random.Next(data.Count + 1);
                    int from = random.Next(other.Length + 1);
                    data.RemoveRange(cut, data.Count - cut);
                    data.AddRange(other.AsSpan(from).ToArray());
                    break;
                }

            case 7 when dictionary.Count > 0:
                data.InsertRange(random.Next(data.Count + 1), dictionary[random.Next(dictionary.Count)]);
                break;
            case 8 when dictionary.Count > 0:
                {
                    var token = dictionary[random.Next(dictionary.Count)];
                    int at = random.Next(data.Count + 1);
                    data.RemoveRange(at, Math.Min(token.Length, data.Count - at));
                    data.InsertRange(at, token);
                    break;
                }

            case 9 when dictionary.Count > 0:
                {
                    var token = dictionary[random.Next(dictionary.Count)];
                    int times = random.Next(2, 201);
                    data.InsertRange(random.Next(data.Count + 1), Enumerable.Repeat(token, times).SelectMany(t => t));
                    break;
                }

            case 10:
                EditWords(data);
                break;
            default:
                data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                break;
        }
    }

    /// <summary>Drops, duplicates or swaps whitespace-separated words: token-level edits that keep the rest of a text intact.</summary>
    private void EditWords(List<byte> data)
    {
        var words = Words(data);
        if (words.Count == 0)
        {
            return;
        }

        var (start, length) = words[random.Next(words.Count)];
        var word = data.GetRange(start, length);
        switch (random.Next(3))
        {
            case 0:
                data.RemoveRange(start, length);
                break;
            case 1:
                data.InsertRange(start, [.. word, (byte)' ']);
                break;
            default:
                {
                    var (otherStart, otherLength) = words[random.Next(words.Count)];
                    if (otherStart == start)
                    {
                        return;
                    }

                    var other = data.GetRange(otherStart, otherLength);
                    // Replace the later one first so that the earlier one's offsets stay valid.
                    var (first, second) = start < otherStart ? ((start, length, other), (otherStart, otherLength, word)) : ((otherStart, otherLength, word), (start, length, other));
                    data.RemoveRange(second.Item1, second.Item2);
                    data.InsertRange(second.Item1, second.Item3);
                    data.RemoveRange(first.Item1, first.Item2);
                    data.InsertRange(first.Item1, first.Item3);
                    break;
                }
        }
    }

    private static List<(int Start, int Length)> Words(List<byte> data)
    {
        var words = new List<(int, int)>();
        int start = -1;
        for (int i = 0; i <= data.Count; i++)
        {
            bool space = i == data.Count || data[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
            if (!space && start < 0)
            {
                start = i;
            }
            else if (space && start >= 0)
            {
                words.Add((start, i - start));
                start = -1;
            }
        }

        return words;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
