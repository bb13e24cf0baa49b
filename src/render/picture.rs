//! An in-memory drawing surface for tests: plotters draws into an RGB buffer, blits are scaled
//! with nearest-neighbour sampling as the browser does without smoothing, triangles and texts
//! are recorded. Tests then assert what the picture shows: a cell's colour, a legend's range,
//! where the selection outline and the clip markers are.

use super::colors::Rgb;
use super::heatmap::Rect;
use super::timeline::Raster;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

/// A text drawn: its string and where its anchor is.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub text: String,
    pub at: (i32, i32),
}

/// The picture: `width` × `height` RGB pixels, white to start. Clones share one picture, so a
/// test can hand one to plotters (which keeps its backend) and read the other.
#[derive(Clone, Debug)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    inner: Rc<RefCell<Inner>>,
}

#[derive(Debug)]
struct Inner {
    pixels: Vec<Rgb>,
    texts: Vec<Text>,
    triangles: Vec<([(i32, i32); 3], Rgb)>,
    /// Drawing lands only inside these, when set (see `Raster::clip`).
    clip: Option<Vec<Rect>>,
}

impl Picture {
    #[must_use]
    pub fn new(width: u32, height: u32) -> Self {
        let len = usize::try_from(width * height).expect("test pictures are small");
        let inner = Inner { pixels: vec![[255; 3]; len], texts: Vec::new(), triangles: Vec::new(), clip: None };
        Picture { width, height, inner: Rc::new(RefCell::new(inner)) }
    }

    /// The colour at (x, y), or None off the picture.
    #[must_use]
    pub fn at(&self, x: i32, y: i32) -> Option<Rgb> {
        let (x, y) = (u32::try_from(x).ok()?, u32::try_from(y).ok()?);
        let k = usize::try_from(y * self.width + x).ok()?;
        (x < self.width && y < self.height).then(|| self.inner.borrow().pixels[k])
    }

    /// Every text drawn so far.
    #[must_use]
    pub fn texts(&self) -> Vec<Text> {
        self.inner.borrow().texts.clone()
    }

    /// Every triangle filled so far, with its colour.
    #[must_use]
    pub fn triangles(&self) -> Vec<([(i32, i32); 3], Rgb)> {
        self.inner.borrow().triangles.clone()
    }

    /// Whether (x, y) is inside the clip, if any.
    fn visible(&self, x: i32, y: i32) -> bool {
        let inner = self.inner.borrow();
        inner.clip.as_ref().is_none_or(|rects| rects.iter().any(|r| r.contains(f64::from(x), f64::from(y))))
    }

    /// Painting over the texts and triangles recorded inside these ranges (where drawing is not
    /// clipped away) hides them: they no longer count as drawn.
    fn paint_over(&mut self, xs: std::ops::RangeInclusive<i32>, ys: std::ops::RangeInclusive<i32>) {
        let covered = |(x, y): (i32, i32)| xs.contains(&x) && ys.contains(&y) && self.visible(x, y);
        // A triangle is a path: its corners lie on pixel edges, so the far edges count too.
        let on_edge = |(x, y): (i32, i32)| covered((x.min(*xs.end()), y.min(*ys.end())));
        let texts: Vec<bool> = self.inner.borrow().texts.iter().map(|t| covered(t.at)).collect();
        let triangles: Vec<bool> =
            self.inner.borrow().triangles.iter().map(|(t, _)| t.iter().all(|&p| p.0 <= xs.end() + 1 && p.1 <= ys.end() + 1 && on_edge(p))).collect();
        let mut inner = self.inner.borrow_mut();
        let (mut texts, mut triangles) = (texts.into_iter(), triangles.into_iter());
        inner.texts.retain(|_| !texts.next().unwrap_or(false));
        inner.triangles.retain(|_| !triangles.next().unwrap_or(false));
    }

    fn put(&mut self, x: i32, y: i32, rgb: Rgb) {
        if !self.visible(x, y) {
            return;
        }
        if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) {
            if x < self.width && y < self.height {
                let k = usize::try_from(y * self.width + x).expect("in range");
                self.inner.borrow_mut().pixels[k] = rgb;
            }
        }
    }
}

impl DrawingBackend for Picture {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Infallible>> {
        if color.alpha > 0.5 {
            self.put(x, y, [color.rgb.0, color.rgb.1, color.rgb.2]);
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        _: &S,
        at: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if self.visible(at.0, at.1) {
            self.inner.borrow_mut().texts.push(Text { text: text.to_string(), at });
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        _: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        Ok((u32::try_from(text.chars().count()).unwrap_or(u32::MAX).saturating_mul(6), 10))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        let rgb = [color.rgb.0, color.rgb.1, color.rgb.2];
        let (x0, x1, y0, y1) = (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1));
        if fill {
            self.paint_over(x0..=x1, y0..=y1);
        }
        for y in y0..=y1 {
            for x in x0..=x1 {
                if fill || x == x0 || x == x1 || y == y0 || y == y1 {
                    self.put(x, y, rgb);
                }
            }
        }
        Ok(())
    }
}

impl Raster for Picture {
    type Error = Infallible;

    fn blit(&mut self, pixels: &[u8], w: usize, h: usize, target: &Rect) -> Result<(), Infallible> {
        let (tw, th) = (usize::try_from(target.w).unwrap_or(0), usize::try_from(target.h).unwrap_or(0));
        if tw > 0 && th > 0 {
            self.paint_over(target.x..=target.x + target.w - 1, target.y..=target.y + target.h - 1);
        }
        for dy in 0..th {
            for dx in 0..tw {
                let (sx, sy) = (dx * w / tw.max(1), dy * h / th.max(1));
                let k = (sy * w + sx) * 4;
                let (x, y) = (target.x + super::to_i32(dx), target.y + super::to_i32(dy));
                self.put(x, y, [pixels[k], pixels[k + 1], pixels[k + 2]]);
            }
        }
        Ok(())
    }

    fn fill_triangles(&mut self, triangles: &[[(i32, i32); 3]], rgb: Rgb) -> Result<(), Infallible> {
        self.inner.borrow_mut().triangles.extend(triangles.iter().map(|t| (*t, rgb)));
        Ok(())
    }

    fn clip(&mut self, rects: &[Rect]) -> Result<(), Infallible> {
        self.inner.borrow_mut().clip = Some(rects.to_vec());
        Ok(())
    }

    fn unclip(&mut self) -> Result<(), Infallible> {
        self.inner.borrow_mut().clip = None;
        Ok(())
    }
}
