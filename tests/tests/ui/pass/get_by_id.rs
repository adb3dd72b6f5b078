//! `id = ..` gives one model; without it, a list. One sub-request is a one-element tuple.
use connectwise::models::{Company, Member};
use connectwise::{BundleResults, ItemError, TypedBundle};
use std::marker::PhantomData;

fn output<F: FnOnce(&mut BundleResults) -> O, O>(_: &TypedBundle<F>) -> PhantomData<O> {
    PhantomData
}

fn main() {
    let one = connectwise::bundle!(company(id = 250));
    let _: PhantomData<(Result<Company, ItemError>,)> = output(&one);
    let both = connectwise::bundle!(member(id = 1), member(conditions = "identifier = 'jsmith'"));
    let _: PhantomData<(Result<Member, ItemError>, Result<Vec<Member>, ItemError>)> =
        output(&both);
    assert_eq!(one.bundle().requests()[0].keys.id, Some(250));
    assert_eq!(both.bundle().requests()[0].shape, connectwise::request::Shape::One);
    assert_eq!(both.bundle().requests()[1].shape, connectwise::request::Shape::List);
}
