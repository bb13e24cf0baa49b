fn main() {
    let a = "first quoted string here";
    // a comment runs to the end
    let b = call(x, (y + z) * 2);
    let c = "second quoted string";
    // another comment line here
    let d = f(g(h, (i - j)), k);
    let e = "third one, also quoted";
    // and a third comment
    let g = m(p, q, r);
}
