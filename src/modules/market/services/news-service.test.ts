import { describe, expect, it } from 'vitest';
import type { NewsItem } from '../providers/types.js';
import { dedupe, normaliseLink, normaliseTitle } from './news-service.js';

const item = (over: Partial<NewsItem>): NewsItem => ({
  title: 'IHSG Ditutup Menguat',
  link: 'https://www.example.co.id/a',
  publishedAt: '2026-05-27T08:00:00.000Z',
  summary: '',
  feed: 'kompas-ekonomi',
  feedTitle: 'Kompas',
  language: 'id',
  ...over,
});

describe('news deduplication', () => {
  it('treats links that differ only by tracking parameters, www, a fragment or a trailing slash as one', () => {
    expect(normaliseLink('https://www.cnbcindonesia.com/market/x/?utm_source=rss&utm_medium=trending#top')).toBe('cnbcindonesia.com/market/x');
    expect(normaliseLink('https://cnbcindonesia.com/market/x?id=7&fbclid=abc')).toBe('cnbcindonesia.com/market/x?id=7');
  });

  it('treats titles that differ by case, accents, punctuation and "%" vs "persen" as one', () => {
    expect(normaliseTitle('IHSG Ditutup Menguat 0,8% ke Level 7.250!')).toBe(normaliseTitle('ihsg ditutup menguat 0,8 persen ke level 7.250'));
    expect(normaliseTitle('Café “Kopi”')).toBe('cafe kopi');
  });

  it('keeps the first telling and names the other feeds that carried it', () => {
    const stories = dedupe([
      item({ feed: 'cnbc', feedTitle: 'CNBC Indonesia', link: 'https://www.cnbcindonesia.com/a', title: 'IHSG Ditutup Menguat 0,8%' }),
      item({ feed: 'kompas', feedTitle: 'Kompas', link: 'https://money.kompas.com/b', title: 'IHSG ditutup menguat 0,8 persen' }),
      item({ feed: 'cnbc', feedTitle: 'CNBC Indonesia', link: 'https://www.cnbcindonesia.com/a?utm_source=rss', title: 'Trending: IHSG' }),
      item({ feed: 'detik', feedTitle: 'detikFinance', link: 'https://finance.detik.com/c', title: 'Harga Emas Naik' }),
      // The same guid in two feeds is two stories: guids are only unique within a feed.
      item({ feed: 'antara', feedTitle: 'ANTARA', link: 'https://antaranews.com/d', title: 'Rupiah Menguat', guid: 'g1' }),
      item({ feed: 'detik', feedTitle: 'detikFinance', link: 'https://finance.detik.com/e', title: 'Saham GOTO', guid: 'g1' }),
    ]);
    expect(stories.map((s) => s.title)).toEqual(['IHSG Ditutup Menguat 0,8%', 'Harga Emas Naik', 'Rupiah Menguat', 'Saham GOTO']);
    expect(stories[0].alsoIn).toEqual(['Kompas']);
  });
});
