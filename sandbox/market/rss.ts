/**
 * RSS simulator for the news feeds: each feed's real path (/market/rss, /kompascom/ekonomi, …) on one server,
 * RSS 2.0 with RFC 822 dates relative to "now". Like the real web, the same story shows up in two Indonesian feeds
 * with slightly different punctuation, and one feed repeats an item with tracking parameters on its link.
 */
import { runSimulator, type RunningSimulator } from './simulator.js';

interface Story {
  title: string;
  slug: string;
  summary: string;
  /** Minutes before now. */
  ago: number;
}

const SHARED_IHSG = 'IHSG Ditutup Menguat 0,8% ke Level 7.250, Asing Borong Saham BBCA';

const FEEDS: Record<string, { title: string; link: string; language: 'id' | 'en'; origin: string; offset: string; stories: Story[] }> = {
  '/market/rss': {
    title: 'CNBC Indonesia Market', link: 'https://www.cnbcindonesia.com/market', language: 'id', origin: 'https://www.cnbcindonesia.com', offset: '+0700',
    stories: [
      { title: SHARED_IHSG, slug: 'market/20260526-ihsg-ditutup-menguat', summary: 'Indeks Harga Saham Gabungan (IHSG) ditutup menguat 0,8% didorong aksi beli investor asing di saham perbankan besar seperti BBCA dan BBRI.', ago: 35 },
      { title: 'Rupiah Melemah ke Rp16.300/US$ Jelang Rilis Data Inflasi AS', slug: 'market/20260526-rupiah-melemah', summary: 'Nilai tukar rupiah terhadap dolar Amerika Serikat melemah di pasar spot menjelang rilis data inflasi AS.', ago: 80 },
      { title: 'Laba Bersih BBRI Kuartal I Tumbuh 5%, Dividen Interim Disiapkan', slug: 'market/20260525-laba-bbri', summary: 'PT Bank Rakyat Indonesia (Persero) Tbk (BBRI) membukukan laba bersih yang tumbuh 5% secara tahunan.', ago: 300 },
      { title: 'Saham GOTO Kembali ke Rp70, Investor Ritel Masih Berburu', slug: 'market/20260525-saham-goto', summary: '<p>Saham <b>GOTO</b> bergerak di level Rp70 per saham dengan volume perdagangan di atas 2 miliar lembar.</p>', ago: 420 },
    ],
  },
  '/kompascom/ekonomi': {
    title: 'Kompas.com - Ekonomi', link: 'https://money.kompas.com', language: 'id', origin: 'https://money.kompas.com', offset: '+0700',
    stories: [
      { title: 'IHSG ditutup menguat 0,8 persen ke level 7.250, asing borong saham BBCA!', slug: 'read/2026/05/26/160512026/ihsg-ditutup-menguat', summary: 'IHSG menguat pada penutupan perdagangan sore ini.', ago: 30 },
      { title: 'Harga Beras Naik Jelang Musim Hujan, Pemerintah Siapkan Operasi Pasar', slug: 'read/2026/05/26/120000126/harga-beras-naik', summary: 'Harga beras medium naik di sejumlah pasar tradisional; Bulog menyiapkan operasi pasar.', ago: 200 },
      { title: 'Bank Indonesia Tahan Suku Bunga Acuan di 5,75 Persen', slug: 'read/2026/05/21/143000226/bi-tahan-suku-bunga', summary: 'Rapat Dewan Gubernur BI memutuskan mempertahankan BI-Rate di level 5,75 persen.', ago: 60 * 24 * 5 },
    ],
  },
  '/index.php/finance': {
    title: 'detikfinance', link: 'https://finance.detik.com', language: 'id', origin: 'https://finance.detik.com', offset: '+0700',
    stories: [
      { title: 'Daftar Harga Emas Antam Hari Ini, Naik Rp 5.000/Gram', slug: 'berita-ekonomi-bisnis/d-7350001/harga-emas-antam', summary: 'Harga emas batangan PT Aneka Tambang Tbk (ANTM) naik Rp 5.000 per gram.', ago: 90 },
      { title: 'TLKM Bagikan Dividen Rp 21 Triliun, Catat Jadwalnya', slug: 'bursa-dan-valas/d-7350002/tlkm-bagikan-dividen', summary: 'PT Telkom Indonesia (Persero) Tbk (TLKM) membagikan dividen tunai kepada pemegang saham.', ago: 240 },
      { title: 'Astra (ASII) Catat Penjualan Mobil Turun di Awal Tahun', slug: 'bursa-dan-valas/d-7350003/astra-penjualan-mobil', summary: 'Penjualan mobil Grup Astra tercatat turun dibanding periode yang sama tahun lalu.', ago: 600 },
    ],
  },
  '/rss/ekonomi.xml': {
    title: 'ANTARA News - Ekonomi', link: 'https://www.antaranews.com/ekonomi', language: 'id', origin: 'https://www.antaranews.com', offset: '+0700',
    stories: [
      { title: 'Kemenkeu: Defisit APBN Terjaga di Bawah 3 Persen PDB', slug: 'berita/4100001/kemenkeu-defisit-apbn-terjaga', summary: 'Kementerian Keuangan menyatakan defisit APBN tetap terjaga.', ago: 150 },
      { title: 'BMKG: Puncak Musim Hujan Diprakirakan Januari-Februari', slug: 'berita/4100002/bmkg-puncak-musim-hujan', summary: 'BMKG memprakirakan puncak musim hujan di sebagian besar wilayah Indonesia terjadi pada Januari hingga Februari.', ago: 700 },
    ],
  },
  '/public/rss/mw_topstories': {
    title: 'MarketWatch.com - Top Stories', link: 'https://www.marketwatch.com', language: 'en', origin: 'https://www.marketwatch.com', offset: 'GMT',
    stories: [
      { title: 'Asian markets mixed as investors await Fed decision', slug: 'story/asian-markets-mixed-as-investors-await-fed-decision-11a2', summary: 'Stocks in Asia traded mixed, with Jakarta’s benchmark rising while Tokyo slipped.', ago: 45 },
      { title: 'Dollar firms against emerging-market currencies; rupiah slips', slug: 'story/dollar-firms-emerging-market-currencies-22b3', summary: 'The U.S. dollar strengthened against most emerging-market currencies, including the Indonesian rupiah.', ago: 130 },
      { title: 'Oil prices edge higher on supply concerns', slug: 'story/oil-prices-edge-higher-33c4', summary: 'Crude futures rose as traders weighed supply risks.', ago: 260 },
    ],
  },
  '/news/rssindex': {
    title: 'Yahoo Finance', link: 'https://finance.yahoo.com/', language: 'en', origin: 'https://finance.yahoo.com', offset: 'GMT',
    stories: [
      { title: 'Indonesia stocks: Bank Central Asia (BBCA) leads gains as foreign inflows return', slug: 'news/indonesia-stocks-bbca-leads-gains-0932', summary: 'Foreign investors were net buyers of Indonesian bank shares for a third day.', ago: 55 },
      { title: 'Emerging markets: what a strong dollar means for Southeast Asia', slug: 'news/emerging-markets-strong-dollar-southeast-asia-1044', summary: 'Analysts weigh the impact of dollar strength on Southeast Asian currencies.', ago: 500 },
    ],
  },
};

function rfc822(date: Date, offset: string): string {
  if (offset === 'GMT') return date.toUTCString();
  const local = new Date(date.getTime() + 7 * 3_600_000);
  return `${local.toUTCString().replace(' GMT', '')} ${offset}`;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function startRssSimulator(options: { port?: number; now?: () => Date } = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  return runSimulator(
    'RSS news feeds',
    (app) => {
      for (const [path, feed] of Object.entries(FEEDS)) {
        app.get(path, (c) => {
          const items = feed.stories.map((story) => {
            const link = `${feed.origin}/${story.slug}`;
            const date = rfc822(new Date(now().getTime() - story.ago * 60_000), feed.offset);
            // Indonesian portals wrap text in CDATA; the English feeds escape it.
            const title = feed.language === 'id' ? `<![CDATA[${story.title}]]>` : escapeXml(story.title);
            const summary = feed.language === 'id' ? `<![CDATA[${story.summary}]]>` : escapeXml(story.summary);
            return `    <item>\n      <title>${title}</title>\n      <link>${link}</link>\n      <guid isPermaLink="false">${escapeXml(story.slug)}</guid>\n      <pubDate>${date}</pubDate>\n      <description>${summary}</description>\n    </item>`;
          });
          if (path === '/market/rss') {
            // The same story again, from a "trending" widget, with tracking parameters on the link.
            const first = feed.stories[0];
            items.push(`    <item>\n      <title><![CDATA[${first.title}]]></title>\n      <link>${feed.origin}/${first.slug}?utm_source=rss&amp;utm_medium=trending</link>\n      <pubDate>${rfc822(new Date(now().getTime() - first.ago * 60_000), feed.offset)}</pubDate>\n      <description><![CDATA[${first.summary}]]></description>\n    </item>`);
          }
          const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n    <title>${escapeXml(feed.title)}</title>\n    <link>${feed.link}</link>\n    <description>${escapeXml(feed.title)}</description>\n    <language>${feed.language === 'id' ? 'id-ID' : 'en-US'}</language>\n${items.join('\n')}\n  </channel>\n</rss>\n`;
          return c.body(xml, 200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        });
      }
    },
    // Cut off mid-document.
    (c) => c.body('<?xml version="1.0"?><rss version="2.0"><channel><title>CNBC</title><item><title>IHSG', 200, { 'content-type': 'application/rss+xml' }),
    options,
  );
}
